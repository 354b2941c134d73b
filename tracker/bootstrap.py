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
    return result
