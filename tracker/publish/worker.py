"""The open data's process: ``python -m tracker.publish.worker JOB RESULT``.

``tracker publish`` starts it (``edition._start_open_data``) to write the open data while the
publish makes the pages. It reads the pickled job from the file JOB, runs
``opendata.open_data_job`` and writes the pickled outcome to RESULT: ("done", what the job
returned) or ("error", the exception). A fresh interpreter started this way runs none of the
caller's own script (multiprocessing's "spawn" would import it again), and it is given the
publish's lock, so a publish killed part-way leaves the lock held until this process is done too.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    job_path, result_path = Path(argv[0]), Path(argv[1])
    try:
        from .opendata import open_data_job

        outcome = ("done", open_data_job(pickle.loads(job_path.read_bytes())))
    except BaseException as exc:  # handed to the publish, which raises it
        try:
            pickle.dumps(exc)
            outcome = ("error", exc)
        except Exception:
            outcome = ("error", RuntimeError(f"{type(exc).__name__}: {exc}"))
    fresh = result_path.with_name(result_path.name + ".new")
    fresh.write_bytes(pickle.dumps(outcome))
    os.replace(fresh, result_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
