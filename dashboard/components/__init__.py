"""Reusable widgets: each ``show(key=...) -> value`` owns its session-state key."""
