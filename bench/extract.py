"""Measure proposing items from a document's text, and the verbatim check around it.

    python bench/extract.py [--kb 300] [--repeat 3]

Builds a text of ``--kb`` kilobytes from the project's own material (the seed source texts when
../shared is here, and the nine-recommendation test report, with numbered recommendations
renumbered so every block is distinct), then times, best of ``--repeat`` runs each:

- ``extract_candidates`` on the whole text, with the seed actors known (the 5 s target is for
  300 KB), and on the same text as one paragraph (pysbd alone would take minutes);
- ``Store.set_document_text`` of a 5,000,000-character text in a fresh database (normalising
  and storing it), then ``Store.add_item`` of a quote found in it (the check on save) and the
  refusal of one that is not (which searches for the nearest passage).

Prints one line per figure; README.md records them.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.errors import InvalidInputError  # noqa: E402
from tracker.extract import extract_candidates  # noqa: E402
from tracker.models import Document, ItemIn  # noqa: E402
from tracker.seeds import find_shared_dir, load_seed_files  # noqa: E402
from tracker.source_text import MAX_TEXT_CHARS, pasted_text  # noqa: E402
from tracker.store import Store  # noqa: E402


def material() -> str:
    parts = [(ROOT / "tests" / "data" / "nine_recommendations.txt").read_text(encoding="utf-8")]
    shared = find_shared_dir()
    if shared and (shared / "seeds").is_dir():
        parts += [p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("*.txt"))]
    return "\n\n".join(parts)


def build_text(kilobytes: int) -> str:
    base, chunks, size, n = material(), [], 0, 0
    while size < kilobytes * 1000:
        n += 1
        chunk = re.sub(r"Recommendation (\d+)", lambda m: f"Recommendation {n * 10 + int(m.group(1))}", base)
        chunks.append(chunk)
        size += len(chunk.encode("utf-8"))
    return "\n\n".join(chunks)[: kilobytes * 1000]


def best(repeat: int, run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"# {platform.machine()}, Python {platform.python_version()}, best of {args.repeat}")

    actors = load_seed_files(ROOT / "seeds").actors
    text = build_text(args.kb)
    seconds, extraction = best(args.repeat, lambda: extract_candidates(
        text, published="2026-11-20", actors=actors, publisher="Inspectorate of Child Protection Services"))
    print(f"extract_candidates, {len(text.encode('utf-8')) / 1000:.0f} KB: {seconds:.2f} s, "
          f"{len(extraction.candidates)} candidates, {len(extraction.new_actors)} new actors")

    one_line = text.replace("\n", " ")
    seconds, extraction = best(args.repeat, lambda: extract_candidates(one_line, published="2026-11-20", actors=actors))
    print(f"extract_candidates, the same text as one paragraph (a PDF without line breaks): {seconds:.2f} s, "
          f"{len(extraction.candidates)} candidates")

    big = (text * (MAX_TEXT_CHARS // len(text) + 1))[:MAX_TEXT_CHARS - 200] + " The closing words of the text."
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        store.add_document(Document(id="big", title="Big", publisher="Bench", kind="other", published="2026-11-20"),
                           by="bench")
        seconds, _ = best(args.repeat, lambda: store.set_document_text("big", pasted_text(big), by="bench"))
        print(f"set_document_text, {len(big):,} characters: {seconds:.2f} s")
        store.add_actor(actors[0], by="bench")
        counter = iter(range(10**6))

        def add(quote: str):
            item = ItemIn(id=f"item-{next(counter)}", kind="finding", title="t", quote=quote, document_id="big",
                          makers=[actors[0].id], made="2026-11-20")
            try:
                store.add_item(item, by="bench")
                return "saved"
            except InvalidInputError as exc:
                return str(exc)

        seconds, outcome = best(args.repeat, lambda: add("The closing words of the text."))
        print(f"add_item, quote checked in 5 MB: {seconds * 1000:.0f} ms ({outcome})")
        seconds, outcome = best(args.repeat, lambda: add("The closing word of this text"))
        print(f"add_item refused, nearest passage found in 5 MB: {seconds * 1000:.0f} ms "
              f"({'nearest passage' in outcome and 'shown' or outcome[:80]})")
        store.close()


if __name__ == "__main__":
    main()
