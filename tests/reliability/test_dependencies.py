"""Dependencies: the lock file pins what is installed, and pip-audit finds no known advisory in it.

The advisory check needs PyPI's JSON API or OSV. When neither answers, the test is skipped with
a message saying the dependencies were NOT audited: an unreachable service is not an advisory,
so it does not fail the build, and it is not reported as a pass either.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import re
import tomllib

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import dependency_audit
from dependency_audit import LOCK, ROOT, Audit, read_report, verdict


def locked() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        assert match, f"requirements.lock: {line!r} is not an exact pin"
        pins[canonicalize_name(match[1])] = match[2]
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]


#: The environment's own tools, which `pip freeze` leaves out and scripts/lib.sh upgrades.
ENVIRONMENT_TOOLS = {"pip", "setuptools", "wheel"}


def resolved_closure() -> dict[str, str]:
    """Every installed distribution the declared requirements pull in, with its version."""
    found: dict[str, str] = {}
    todo = list(declared())
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        dist = metadata.distribution(requirement.name)
        found[name] = dist.version
        if name in ENVIRONMENT_TOOLS:
            continue
        for extra in requirement.extras or {""}:
            for text in dist.requires or []:
                sub = Requirement(text)
                if sub.marker is None or sub.marker.evaluate({**default_environment(), "extra": extra}):
                    todo.append(sub)
    return found


def test_lock_pins_every_declared_dependency_within_its_range():
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is declared in pyproject.toml but not locked"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{requirement.name}=={pins[name]} in requirements.lock is outside {requirement.specifier}")


def test_lock_is_exactly_the_installed_dependency_set():
    """What the suite runs on is what gets audited: no drift either way (regenerate the lock
    as README.md says when a dependency changes)."""
    pins = locked()
    installed = {k: v for k, v in resolved_closure().items() if k not in ENVIRONMENT_TOOLS}
    drift = {name: (pins.get(name), version) for name, version in installed.items() if pins.get(name) != version}
    stale = sorted(set(pins) - set(installed))
    assert drift == {}, f"locked vs installed: {drift}"
    assert stale == [], f"locked but not needed by pyproject.toml: {stale}"


def test_locked_dependencies_have_no_known_advisory():
    outcome, lines = verdict(dependency_audit.audit(LOCK))
    if outcome == "unaudited":
        pytest.skip("\n".join(lines))
    assert outcome == "clean", "\n".join(lines)


@pytest.mark.slow
def test_the_audit_flags_a_dependency_with_a_known_advisory(tmp_path):
    """The check above can fail: Jinja2 2.11.0 has published advisories (CVE-2020-28493)."""
    requirements = tmp_path / "old.txt"
    requirements.write_text("jinja2==2.11.0\n")
    outcome, lines = verdict(dependency_audit.audit(requirements))
    if outcome == "unaudited":
        pytest.skip("\n".join(lines))
    assert outcome == "vulnerable" and any("jinja2" in line.lower() for line in lines), lines


def report(*deps) -> str:
    return json.dumps({"dependencies": list(deps), "fixes": []})


@pytest.mark.parametrize("attempts,outcome", [
    ([read_report("pypi", 1, report({"name": "jinja2", "version": "2.11.0", "vulns": [
        {"id": "PYSEC-2021-66", "fix_versions": ["2.11.3"], "aliases": ["CVE-2020-28493"]}]}), "")],
     "vulnerable"),
    ([read_report("pypi", 0, report({"name": "click", "version": "8.2.0", "vulns": []}), "")], "clean"),
    # PyPI's JSON API unreachable: pip-audit says "No known vulnerabilities found", exit 0...
    ([read_report("pypi", 0, report({"name": "click", "skip_reason": "Dependency not found on PyPI"}),
                  "No known vulnerabilities found"),
      # ...and OSV unreachable: a traceback, exit 1, no JSON.
      read_report("osv", 1, "", "Traceback ...\nrequests.exceptions.ConnectionError: api.osv.dev")],
     "unaudited"),
    ([read_report("pypi", 0, report({"name": "a", "skip_reason": "not found"}), ""),
      read_report("osv", 0, report({"name": "a", "version": "1", "vulns": []}), "")], "clean"),
], ids=["advisory", "clean", "both services unreachable", "pypi unreachable, osv clean"])
def test_the_verdict_tells_an_advisory_from_an_unreachable_service(attempts: list[Audit], outcome):
    assert verdict(attempts)[0] == outcome
