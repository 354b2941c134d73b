"""`tracker serve` end to end: it seeds an empty database and the dashboard answers."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import yaml

from tracker.store import Store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_seeds_on_first_run_and_answers(tmp_path, sample_bundle):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "sample.yaml").write_text(yaml.safe_dump(sample_bundle.model_dump(
        mode="json", exclude={"format", "version", "exported_at"}, exclude_none=True)))
    db = tmp_path / "served.db"
    port = free_port()
    env = {**os.environ, "TRACKER_SEEDS": str(seeds), "TRACKER_DB": str(db)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "serve", "--port", str(port), "--host", "127.0.0.1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # so the cleanup below can end the whole process group
    )
    try:
        deadline = time.monotonic() + 60
        healthy = False
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    healthy = r.status == 200 and r.read() == b"ok"
                    break
            except OSError:
                time.sleep(0.5)
        assert healthy, "the dashboard did not answer within 60 s"
        with Store(db) as store:
            assert store.counts()["items"] == 3
        # `tracker serve` becomes the server: SIGTERM to it must stop the dashboard, leaving
        # no process behind to hold the output pipe open.
        process.terminate()
        output = process.communicate(timeout=30)[0]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate(timeout=10)
    assert "Loaded the seed dataset: 2 actors, 2 documents, 3 items" in output
    assert "Traceback" not in output
