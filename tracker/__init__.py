"""Policy tracker: commitments, recommendations, findings and calls, and what became of them.

The library is usable without Streamlit: ``tracker.models`` (validation), ``tracker.store``
(SQLite storage), ``tracker.exchange`` (import/export), ``tracker.cli`` (the command).
"""

__version__ = "0.1.0"
