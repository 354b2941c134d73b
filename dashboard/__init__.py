"""The Streamlit dashboard: pages and charts over the `tracker` package. No logic lives here."""
