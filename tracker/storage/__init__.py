"""Storage by concern: the only package that speaks SQL.

``tracker.store.Store`` is the facade the rest of the tracker uses; it combines one class per
concern, each in its own module:

- ``connection``: the file, opening it, write transactions, storage faults, the data version,
  the audit log writer, backups and maintenance;
- ``schema``: the named migrations (001..) and the triggers and SQL they are built from;
- ``records``: writes to the record (actors, documents, items, assessments, deadlines, links,
  bulk status changes, documents' texts);
- ``reads``: reads of the record, its counts, the readers' record, the audit log and the
  edition's bulk reads;
- ``exchange``: export and import of a whole record, and the publishable copy;
- ``accounts``: staff accounts, sign-in throttling and sessions;
- ``shared``: what several of them use (the recorder check, stored times, id lists).
"""
