"""The staff workspace: the write side of the dashboard, on the same tracker core and database.

Its pages are registered with the public ones in dashboard/pages.py, and the router
(dashboard/navigation.py) shows those the signed-in person may use. Each page checks the session
again at its top (``gate.require``), and every write goes through ``tracker.workspace``, which
checks it once more against the database.
"""
