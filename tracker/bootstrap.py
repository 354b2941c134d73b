"""Creating a database: the schema, then the seed dataset when the database is empty."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .store import Store

SEED_USER = "seed"


@dataclass
class InitResult:
    path: Path
    migrations_applied: list[str] = field(default_factory=list)
    seeded: dict[str, int] | None = None


def init_database(
    path: str | os.PathLike, seed_dir: str | os.PathLike | None = None, *, seed: bool = True
) -> InitResult:
    """Create or migrate the database at ``path`` and load the seeds if it holds nothing yet
    (never with ``seed=False``: an empty database to import into).

    Raises SeedError when the seed files have problems (nothing is loaded then).
    """
    from .seeds import default_seed_dir, load_seed_files

    with Store(path, migrate=False) as store:
        applied = store.migrate()
        result = InitResult(path=Path(path), migrations_applied=applied)
        if seed and store.is_empty():
            directory = Path(seed_dir) if seed_dir else default_seed_dir()
            bundle = load_seed_files(directory)
            result.seeded = store.import_bundle(bundle, by=SEED_USER, seed=True)
            texts = _attach_source_texts(store, bundle)
            if texts:
                result.seeded["source texts"] = texts
    return result


def _attach_source_texts(store: Store, bundle) -> int:
    """Store the source text of every seed document that names one found in the shared
    folder, so its quotes stay checked on later edits and items can be proposed from it."""
    from .seeds import find_shared_dir
    from .source_text import SourceText

    shared = find_shared_dir()
    if shared is None:
        return 0
    attached = 0
    for document in bundle.documents:
        path = shared / "seeds" / document.text_file if document.text_file else None
        if path is not None and path.is_file():
            text = SourceText(text=path.read_text(encoding="utf-8"), source="txt", filename=document.text_file)
            store.set_document_text(document.id, text, by=SEED_USER, seed=True)
            attached += 1
    return attached
