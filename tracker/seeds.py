"""The seed dataset: human-editable YAML files that together make one Bundle.

Every ``seeds/*.yaml`` file is a partial :class:`tracker.models.Bundle` (top-level keys
``actors``, ``documents`` and ``items``, each optional). Files are read in name order and merged,
so an item in one file may link to an item or cite a document in another. The pydantic models
that guard the store and the importer validate them too, and :func:`check_seeds` reports every
problem as ``seeds/<file>.yaml:<line>: <id or path>: <message>`` so an editor can go straight to
it. When the source texts are at hand (``../shared/seeds/``), every quote is also checked to
occur verbatim in the text of its document.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import TrackerError
from .models import Bundle, describe_validation_error
from .source_text import normalise_for_quote_check

SEEDS_ENV = "TRACKER_SEEDS"
SHARED_DIR_ENV = "TRACKER_SHARED_DIR"
SECTIONS = ("actors", "documents", "items")

_REPO_ROOT = Path(__file__).resolve().parent.parent


class SeedError(TrackerError):
    "The seed files have problems; nothing was loaded"

    def __init__(self, problems: list[str]):
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the seed files")
        self.problems = list(problems)


def default_seed_dir() -> Path:
    """The seed folder: ``$TRACKER_SEEDS`` if set, else ``seeds/`` beside the ``tracker`` package."""
    override = os.environ.get(SEEDS_ENV)
    return Path(override) if override else _REPO_ROOT / "seeds"


def find_shared_dir() -> Path | None:
    """The folder whose ``seeds/`` holds the source texts, or None when it is not there.

    ``$TRACKER_SHARED_DIR`` if set (returned even if missing, so a wrong setting is reported
    rather than silently skipped), else ``<repo>/../shared`` if it exists.
    """
    override = os.environ.get(SHARED_DIR_ENV)
    if override:
        return Path(override)
    candidate = _REPO_ROOT.parent / "shared"
    return candidate if candidate.is_dir() else None


def load_seed_files(directory: str | os.PathLike) -> Bundle:
    """Read every ``*.yaml`` in ``directory`` (in name order) and merge them into one Bundle.

    Quotes are checked against the source texts when :func:`find_shared_dir` finds them.
    Raises SeedError listing every problem, as :func:`check_seeds` reports them.
    """
    bundle, problems = _read_seeds(Path(directory), find_shared_dir())
    if problems or bundle is None:
        raise SeedError(problems)
    return bundle


def check_seeds(directory: str | os.PathLike, shared_dir: str | os.PathLike | None = None) -> list[str]:
    """Every problem in the seed files, one line each: ``<dir>/<file>.yaml:<line>: <id>: <message>``.

    Covers YAML syntax, the models' validation, references that point nowhere (ids used twice,
    unknown actors, documents and link targets) and, when the source texts are available
    (``shared_dir``, else :func:`find_shared_dir`), quotes not found verbatim. An empty list
    means the seeds load cleanly.
    """
    shared = Path(shared_dir) if shared_dir is not None else find_shared_dir()
    return _read_seeds(Path(directory), shared)[1]


# ---------------------------------------------------------------------------------------------
# Reading and locating
# ---------------------------------------------------------------------------------------------


@dataclass
class _SeedFile:
    label: str  # "seeds/actors.yaml"
    root: yaml.Node | None  # the composed YAML, for line numbers
    data: Any  # what yaml.safe_load returned
    bundle: Bundle | None = None


@dataclass
class _Origin:
    """Where one merged actor, document or item was written."""

    file: _SeedFile
    section: str
    index: int  # position within its own file's section
    ident: str

    def line(self, *fields: str | int) -> int:
        return _line_of(self.file.root, (self.section, self.index, *fields))


def _read_seeds(directory: Path, shared_dir: Path | None) -> tuple[Bundle | None, list[str]]:
    if not directory.is_dir():
        return None, [f"{directory}: the seed folder does not exist"]
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        return None, [f"{directory}: no seed files (*.yaml) found"]

    problems: list[str] = []
    files = []
    for path in paths:
        seed_file, file_problems = _read_file(path, f"{directory.name}/{path.name}")
        problems.extend(file_problems)
        if seed_file.bundle is not None:
            files.append(seed_file)
    if problems:
        # References are only meaningful once every file validates on its own.
        return None, problems

    merged: dict[str, list] = {section: [] for section in SECTIONS}
    origins: dict[str, list[_Origin]] = {section: [] for section in SECTIONS}
    for seed_file in files:
        for section in SECTIONS:
            for index, record in enumerate(getattr(seed_file.bundle, section)):
                merged[section].append(record)
                origins[section].append(_Origin(seed_file, section, index, record.id))
    bundle = Bundle(**merged)

    problems.extend(_reference_problems(bundle, origins, directory))
    problems.extend(_source_text_problems(bundle, origins, shared_dir))
    return (None if problems else bundle), problems


def _read_file(path: Path, label: str) -> tuple[_SeedFile, list[str]]:
    seed_file = _SeedFile(label=label, root=None, data=None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return seed_file, [f"{label}:1: file: cannot be read: {exc}"]
    try:
        seed_file.root = yaml.compose(text, Loader=yaml.SafeLoader)
        seed_file.data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        return seed_file, [f"{label}:{line}: file: not valid YAML: {reason}"]

    data = seed_file.data if seed_file.data is not None else {}
    if not isinstance(data, dict):
        return seed_file, [f"{label}:1: file: expected a mapping with actors, documents and/or items"]
    problems = _duplicate_key_problems(seed_file)
    try:
        seed_file.bundle = Bundle.model_validate(data)
    except ValidationError as exc:
        # describe_validation_error gives one line per error, in the order of exc.errors().
        for error, described in zip(exc.errors(), describe_validation_error(exc)):
            problems.append(_validation_problem(seed_file, data, tuple(error["loc"]), described))
    if problems:
        seed_file.bundle = None
    return seed_file, problems


def _validation_problem(seed_file: _SeedFile, data: dict, loc: tuple, described: str) -> str:
    line = _line_of(seed_file.root, loc)
    if len(loc) >= 2 and loc[0] in SECTIONS and isinstance(loc[1], int):
        prefix = f"{loc[0]}.{loc[1]}"
        entries = data.get(loc[0])
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        ident = entry.get("id") if isinstance(entry, dict) else None
        subject = ident if isinstance(ident, str) and ident.strip() else f"{loc[0]}[{loc[1]}]"
    else:
        prefix = ".".join(str(part) for part in loc)
        subject = prefix or "file"
    message = described
    if prefix and message.startswith(prefix + "."):
        message = message[len(prefix) + 1:]
    elif prefix and message.startswith(prefix + ": "):
        message = message[len(prefix) + 2:]
    return f"{seed_file.label}:{line}: {subject}: {message}"


def _line_of(root: yaml.Node | None, path: tuple) -> int:
    """The 1-based line of the deepest node of ``path`` found in the composed YAML."""
    if root is None:
        return 1
    node, line = root, root.start_mark.line
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    node, line = value, key.start_mark.line
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return line + 1


def _duplicate_key_problems(seed_file: _SeedFile) -> list[str]:
    """Keys written twice in one mapping: YAML keeps the last silently, an editor rarely means it."""
    problems: list[str] = []

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        problems.append(
                            f"{seed_file.label}:{key.start_mark.line + 1}: {key.value}: key written twice"
                        )
                    seen.add(key.value)
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                walk(child)

    if seed_file.root is not None:
        walk(seed_file.root)
    return problems


# ---------------------------------------------------------------------------------------------
# Checks on the merged bundle
# ---------------------------------------------------------------------------------------------

_REFERENCE_PROBLEM = re.compile(r"^(actors|documents|items)\[(\d+)\] \(([^)]*)\): (.*)$", re.DOTALL)


def _reference_problems(bundle: Bundle, origins: dict[str, list[_Origin]], directory: Path) -> list[str]:
    """Bundle.reference_problems(), each pointed back at the file and line it comes from."""
    problems = []
    for problem in bundle.reference_problems():
        match = _REFERENCE_PROBLEM.match(problem)
        if not match:
            problems.append(f"{directory.name}: {problem}")
            continue
        section, index, ident, message = match.groups()
        origin = origins[section][int(index)]
        problems.append(f"{origin.file.label}:{origin.line()}: {ident}: {message}")
    return problems


def _source_text_problems(
    bundle: Bundle, origins: dict[str, list[_Origin]], shared_dir: Path | None
) -> list[str]:
    """Quotes not found verbatim in the source text of their document.

    Only documents that name a ``text_file`` can be checked (a folder of seeds for another
    dataset may have none); tests/test_seeds.py requires one for every item of the project's own
    seeds.
    """
    if shared_dir is None:
        return []
    documents = {document.id: document for document in bundle.documents}
    texts_dir = shared_dir / "seeds"
    texts: dict[str, str | None] = {}
    problems = []
    for item, origin in zip(bundle.items, origins["items"]):
        document = documents.get(item.document_id)
        if document is None or not document.text_file:
            continue  # a missing document is already reported as a reference problem
        if document.text_file not in texts:
            path = texts_dir / document.text_file
            texts[document.text_file] = (
                normalise_for_quote_check(path.read_text(encoding="utf-8")) if path.is_file() else None
            )
        text = texts[document.text_file]
        if text is None:
            problems.append(
                f"{origin.file.label}:{origin.line('document_id')}: {item.id}: source text "
                f"{document.text_file} not found in {texts_dir}"
            )
        elif normalise_for_quote_check(item.quote) not in text:
            problems.append(
                f"{origin.file.label}:{origin.line('quote')}: {item.id}: quote not found verbatim "
                f"in {document.text_file} (document {document.id})"
            )
    return problems
