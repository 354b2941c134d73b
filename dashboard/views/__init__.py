"""Public pages (no sign-in). Each only lays out: reads come from dashboard.data, logic from
tracker, figures from dashboard.charts."""
