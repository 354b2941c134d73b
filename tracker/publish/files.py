"""Writing an edition folder beside the last one and swapping it in at once.

``DIR`` (what a web server serves) is a symbolic link to ``.DIR.editions/<name>/``. A publish
writes a whole new folder there, then points a new link at it and renames that link over
``DIR``: a rename is atomic, so a reader gets the old edition or the new one, never half of
each. The edition before stays on disk until the next publish, for readers part-way through
it.

A file whose content is the same as in the last edition (its SHA-256 is in the last edition's
``edition.json``) is not written again: the new folder gets a hard link to the old file. Item
pages whose inputs did not change are not even rendered (see ``edition.py``).

Item pages and badges (two files per item: 200,000 at 100,000 items) are not linked one by one
into every edition, which alone took longer than a whole incremental publish may: they live in
one of two **slots** beside the editions (``.DIR.editions/.items-a/`` and ``.items-b/``), and an
edition's ``items`` and ``badges`` are symbolic links into its slot. A publish brings the slot
the current edition does *not* use up to date (only the items whose key changed since that slot
was last written: linked from the other slot when it has them, else rendered), then swaps in
the new edition pointing at it. The current edition's slot is never touched, so readers still
see a whole edition at every moment; the slot brought up to date is the one the edition before
the current one used, which is removed by this publish anyway.
"""

from __future__ import annotations

import copy
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import InvalidInputError

MANIFEST = "edition.json"
#: The two folders item pages and badges alternate between, and what each holds.
SLOTS = (".items-a", ".items-b")
SLOT_KEYS = "keys.json"
ITEM_FOLDERS = ("items", "badges")
#: Editions kept beside the current one (readers part-way through the previous one).
KEEP_PREVIOUS = 1


def editions_folder(directory: Path) -> Path:
    return directory.parent / f".{directory.name}.editions"


@contextmanager
def publishing(directory: Path) -> Iterator[int]:
    """Held while an edition of ``directory`` is made: a second publish to the same folder
    waits for the first, so neither prunes the other's half-written edition. Yields the lock's
    descriptor, for a process the publish starts to hold it too."""
    folder = editions_folder(directory)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield handle.fileno()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_edition(directory: Path) -> Path | None:
    """The folder ``directory`` points to now, or None when there is no edition yet.

    Raises InvalidInputError when ``directory`` is something else: a file, or a folder that
    is not empty (publishing will not replace what it did not write)."""
    if directory.is_symlink():
        target = directory.resolve()
        return target if (target / MANIFEST).is_file() else None
    if not directory.exists():
        return None
    if directory.is_dir() and not any(directory.iterdir()):
        return None
    raise InvalidInputError(
        f"{directory} already exists and is not an edition this command wrote; choose a new folder "
        "(it will be created) or an empty one"
    )


def read_manifest(edition: Path | None) -> dict:
    if edition is None:
        return {}
    try:
        return json.loads((edition / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class EditionWriter:
    """Writes the files of a new edition, linking those unchanged since ``previous``."""

    def __init__(self, directory: Path, previous: Path | None, manifest: dict):
        self.directory = directory
        self.previous = previous
        self.old_hashes: dict[str, str] = manifest.get("files", {}) if previous is not None else {}
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        self.root = editions_folder(directory) / stamp
        self.root.mkdir(parents=True)
        self.hashes: dict[str, str] = {}
        self.written = 0
        self.linked = 0
        self._folders: set[Path] = set()
        # the slot of item pages: the one the current edition does not use
        used = manifest.get("slot") if previous is not None else None
        self.other_slot = editions_folder(directory) / used if used in SLOTS else None
        self.slot = editions_folder(directory) / (SLOTS[1] if used == SLOTS[0] else SLOTS[0])
        # what the current edition's slot holds (its keys.json; not in the manifest, which is
        # served with the edition: 5 MB of keys at 100,000 items)
        self.other_keys: dict[str, str] = _read_keys(self.other_slot) if self.other_slot is not None else {}
        self.slot_keys = _read_keys(self.slot)
        (self.slot / SLOT_KEYS).unlink(missing_ok=True)  # unknown until this publish has finished it
        for folder in ITEM_FOLDERS:
            (self.slot / folder).mkdir(parents=True, exist_ok=True)

    def detached(self) -> EditionWriter:
        """A copy for another process to write files into this edition with (``merge`` takes
        back what it wrote): it knows the last edition's files, not the item slot's keys (it
        writes no item files), and has counted nothing yet."""
        other = copy.copy(self)
        other.other_keys, other.slot_keys, other.hashes, other._folders = {}, {}, {}, set()
        other.written = other.linked = 0
        return other

    def merge(self, hashes: dict[str, str], written: int, linked: int) -> None:
        """What a ``detached`` copy wrote: its files' hashes (for the manifest) and counts."""
        self.hashes.update(hashes)
        self.written += written
        self.linked += linked

    # -- item pages and badges, in the slot -----------------------------------------------------

    def item_current(self, files: tuple[str, ...], item_id: str, key: str) -> bool:
        """Whether the slot holds ``files`` (paths like ``items/x.html``) for ``item_id`` as of
        ``key``: already, or now, linked from the other slot; False means: make them."""
        if self.slot_keys.get(item_id) == key:
            self.linked += len(files)  # kept: counted with the files linked unchanged
            return True
        if self.other_keys.get(item_id) != key:
            return False
        try:
            for relative in files:
                self._replace_link(self.other_slot / relative, self.slot / relative)
        except FileNotFoundError:
            return False
        self.linked += len(files)
        return True

    def write_item_file(self, relative: str, data: bytes) -> None:
        """An item's file into the slot, as a new file: the old one may be a hard link shared
        with the other slot, which must not change."""
        target = self.slot / relative
        fresh = target.with_name(f".{target.name}.new")
        fresh.write_bytes(data)
        os.replace(fresh, target)
        self.written += 1

    def link_item_file(self, relative: str, existing: str) -> None:
        """``relative`` in the slot as a hard link to the slot's file ``existing``."""
        self._replace_link(self.slot / existing, self.slot / relative)
        self.linked += 1

    def _replace_link(self, source: Path, target: Path) -> None:
        fresh = target.with_name(f".{target.name}.new")
        fresh.unlink(missing_ok=True)
        try:
            os.link(source, fresh)
        except FileNotFoundError:
            raise
        except OSError:  # a file system without hard links
            shutil.copy2(source, fresh)
        os.replace(fresh, target)

    def slot_files(self) -> list[str]:
        return [str(p.relative_to(self.slot)) for folder in ITEM_FOLDERS for p in (self.slot / folder).rglob("*")
                if p.is_file()]

    def finish_items(self, keys: dict[str, str], names: dict[str, tuple[str, ...]]) -> None:
        """Remove from the slot the items no longer in the record, record what it holds, and
        point the new edition at it. ``names``: each item's files."""
        wanted = {f for files in names.values() for f in files}
        if self.slot_keys:
            gone = set(self.slot_keys) - set(keys)
            stale = [f for item_id in gone for f in _item_files(item_id)]
        else:  # a slot of unknown content: look
            stale = [f for f in self.slot_files() if f not in wanted and not f.startswith("badges/status/")]
        for relative in stale:
            if relative in wanted:
                continue
            (self.slot / relative).unlink(missing_ok=True)
        _write_keys(self.slot, keys)
        # The other slot, when it does not know what it holds (the first publish here), gets the
        # same files as hard links now, so the next publish has only changes to make there.
        other = editions_folder(self.directory) / (SLOTS[1] if self.slot.name == SLOTS[0] else SLOTS[0])
        if other != self.other_slot and not (other / SLOT_KEYS).is_file():
            shutil.rmtree(other, ignore_errors=True)
            for folder in ITEM_FOLDERS:
                (other / folder).mkdir(parents=True)
            for path in sorted(p for p in (self.slot / "badges").rglob("*") if p.is_dir()):
                (other / path.relative_to(self.slot)).mkdir(parents=True, exist_ok=True)
            for relative in sorted(self.slot_files()):
                self._replace_link(self.slot / relative, other / relative)
            _write_keys(other, keys)
        for folder in ITEM_FOLDERS:
            os.symlink(os.path.relpath(self.slot / folder, self.root), self.root / folder)

    def _path(self, relative: str) -> Path:
        path = self.root / relative
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        return path

    def write(self, relative: str, content: str | bytes) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        self._forget(relative)
        digest = hashlib.sha256(data).hexdigest()
        if not self.reuse(relative, digest):
            self._path(relative).write_bytes(data)
            self.written += 1
        self.hashes[relative] = digest

    def write_file(self, relative: str, source: Path) -> None:
        """A file made elsewhere (a large export), moved into the edition."""
        digest = _file_hash(source)
        self._forget(relative)
        if self.reuse(relative, digest):
            source.unlink()
        else:
            os.replace(source, self._path(relative))
            self.written += 1
        self.hashes[relative] = digest

    def link(self, relative: str, existing: str) -> None:
        """``relative`` as a second name of this edition's file ``existing`` (a hard link)."""
        self._forget(relative)
        target = self._path(relative)
        try:
            os.link(self.root / existing, target)
        except OSError:
            shutil.copy2(self.root / existing, target)
        self.hashes[relative] = self.hashes[existing]
        self.linked += 1

    def _forget(self, relative: str) -> None:
        """Undo an earlier ``reuse`` of ``relative`` (a group of files that was only partly there)."""
        if self.hashes.pop(relative, None) is not None:
            (self.root / relative).unlink(missing_ok=True)
            self.linked -= 1

    def reuse(self, relative: str, digest: str | None = None) -> bool:
        """Link the last edition's ``relative`` into this one if it is there (and, given
        ``digest``, has that content); whether it was."""
        old_digest = self.old_hashes.get(relative)
        if old_digest is None or (digest is not None and old_digest != digest):
            return False
        old = self.previous / relative
        try:
            os.link(old, self._path(relative))
        except FileNotFoundError:
            return False
        except OSError:  # a file system without hard links
            shutil.copy2(old, self._path(relative))
        self.hashes[relative] = old_digest
        self.linked += 1
        return True

    def scratch(self, name: str) -> Path:
        """A path for a large file to be built outside the edition, then ``write_file``d."""
        folder = editions_folder(self.directory) / ".scratch"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{self.root.name}-{name}"

    def finish(self, manifest: dict) -> Path:
        """Write the manifest and swap the edition in; returns the edition's folder."""
        manifest = {**manifest, "slot": self.slot.name, "files": dict(sorted(self.hashes.items()))}
        (self.root / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        swap(self.directory, self.root)
        prune(self.directory, keep={self.root, self.previous})
        return self.root

    def abandon(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def swap(directory: Path, edition: Path) -> None:
    """Point ``directory`` at ``edition`` in one rename."""
    link = directory.parent / f".{directory.name}.swap"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(edition, directory.parent), link)
    if directory.is_dir() and not directory.is_symlink():
        directory.rmdir()  # an empty folder given to publish into (checked by current_edition)
    os.replace(link, directory)


def prune(directory: Path, *, keep: set) -> None:
    """Remove editions older than those in ``keep``, and leftover scratch files."""
    folder = editions_folder(directory)
    kept = {p.resolve() for p in keep if p is not None}
    for edition in folder.iterdir():
        if edition.name in (".lock", ".cache", *SLOTS):
            continue
        if edition.name == ".scratch":
            shutil.rmtree(edition, ignore_errors=True)
        elif edition.resolve() not in kept:
            shutil.rmtree(edition, ignore_errors=True)


def _write_keys(slot: Path, keys: dict[str, str]) -> None:
    fresh = slot / f"{SLOT_KEYS}.new"
    fresh.write_text(json.dumps(keys), encoding="utf-8")
    os.replace(fresh, slot / SLOT_KEYS)


def _read_keys(slot: Path) -> dict[str, str]:
    try:
        return json.loads((slot / SLOT_KEYS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _item_files(item_id: str) -> list[str]:
    from .render import page_name

    name = page_name(item_id)
    return [f"items/{name}.html", f"badges/{name}.svg"]


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
