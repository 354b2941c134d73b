"""Serve the tracker's summary counts as JSON over HTTP, for comparison with Datasette's facets.

    python bench/counts_server.py DB PORT

``GET /counts.json`` answers with items by kind, status, response, implementation and theme,
read through the same tracker function the overview calls, uncached, on every request.
Measuring both systems through the same kind of channel (an HTTP JSON answer from a server that
keeps its SQLite connection open) is what makes the ratio in the benchmark fair.
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.store import Store  # noqa: E402


def summary_counts(store: Store) -> dict:
    """The facets Datasette is asked for: items by kind, status, response and implementation,
    and by theme, with the total. Read through ``Store.status_counts``, the function behind the
    overview's headline figures and its status-by-theme chart."""
    names = ("kind", "status", "response", "implementation", "theme")
    facets: dict[str, dict[str, int]] = {name: {} for name in names}
    total = 0
    by_status = store.status_counts()
    for kind, status, response, implementation, n in zip(
        by_status["kind"], by_status["status"], by_status["response"], by_status["implementation"], by_status["n"]
    ):
        total += int(n)
        for name, value in (("kind", kind), ("status", status), ("response", response),
                            ("implementation", implementation)):
            if isinstance(value, str):  # missing values are not a facet value (as in Datasette)
                facets[name][value] = facets[name].get(value, 0) + int(n)
    by_theme = store.status_counts(by="theme")
    for theme, n in zip(by_theme["grp"], by_theme["n"]):
        facets["theme"][theme] = facets["theme"].get(theme, 0) + int(n)
    return {"total": total, "facets": facets}


def serve(db: str, port: int) -> None:
    store = Store(db)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every kept-alive answer.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path.split("?")[0] != "/counts.json":
                self.send_error(404)
                return
            body = json.dumps(summary_counts(store)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    HTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
