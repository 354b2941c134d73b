"""Audit requirements.lock for known advisories with pip-audit, and say plainly what happened.

    python tests/reliability/dependency_audit.py [requirements.lock]

exits 1 when a locked dependency has a known advisory, 0 when every one was audited and none
has, and 3 when the advisory services could not be reached (nothing was audited: a warning,
not a pass and not a failure).

pip-audit alone is not enough to tell these apart: when PyPI's JSON API does not answer for a
package, it lists the package as skipped and still prints "No known vulnerabilities found" with
exit code 0; when OSV cannot be reached, it exits 1 with a traceback, the same code as for a
real advisory. So this runs it with ``--format json`` and reads the result: services are tried
in turn (PyPI, then OSV) until one audits every dependency.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
LOCK = ROOT / "requirements.lock"
SERVICES = ("pypi", "osv")


@dataclass
class Audit:
    service: str
    audited: int = 0
    vulnerable: list[str] = field(default_factory=list)  # "name version: ID (fixed in ...)"
    unaudited: list[str] = field(default_factory=list)  # "name: why"
    error: str | None = None  # the service could not be used at all

    @property
    def complete(self) -> bool:
        return self.error is None and not self.unaudited


def read_report(service: str, returncode: int, stdout: str, stderr: str) -> Audit:
    """What one pip-audit run found, from its JSON output (or its absence)."""
    audit = Audit(service=service)
    try:
        report = json.loads(stdout)
        dependencies = report["dependencies"]
    except (ValueError, KeyError, TypeError):
        last = [line for line in stderr.strip().splitlines() if line.strip()][-1:] or [f"exit {returncode}"]
        audit.error = last[0][:300]
        return audit
    for dep in dependencies:
        if "skip_reason" in dep:
            audit.unaudited.append(f"{dep.get('name')}: {dep['skip_reason']}")
            continue
        audit.audited += 1
        for vuln in dep.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            audit.vulnerable.append(f"{dep['name']} {dep.get('version')}: {vuln.get('id')} (fixed in {fixed})")
    return audit


def run_pip_audit(requirements: Path, service: str, timeout: float = 300.0) -> Audit:
    command = [sys.executable, "-m", "pip_audit", "--requirement", str(requirements), "--no-deps",
               "--disable-pip", "--format", "json", "--progress-spinner", "off",
               "--vulnerability-service", service, "--timeout", "20"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Audit(service=service, error=f"pip-audit did not finish within {timeout:.0f} s")
    return read_report(service, done.returncode, done.stdout, done.stderr)


def audit(requirements: Path = LOCK) -> list[Audit]:
    """Try each service until one audits every dependency; returns every attempt, last is best."""
    attempts = []
    for service in SERVICES:
        attempts.append(run_pip_audit(requirements, service))
        if attempts[-1].complete or attempts[-1].vulnerable:
            break
    return attempts


def verdict(attempts: list[Audit]) -> tuple[str, list[str]]:
    """("vulnerable" | "clean" | "unaudited", lines to print)."""
    vulnerable = sorted({v for a in attempts for v in a.vulnerable})
    if vulnerable:
        return "vulnerable", [f"known advisory: {v}" for v in vulnerable]
    complete = [a for a in attempts if a.complete]
    if complete:
        return "clean", [f"{complete[0].audited} locked dependencies audited with {complete[0].service}: "
                         "no known advisory"]
    lines = ["the advisory services could not be reached, so the dependencies were NOT audited:"]
    for attempt in attempts:
        why = attempt.error or (f"{len(attempt.unaudited)} of {len(attempt.unaudited) + attempt.audited} "
                                f"not audited, e.g. {attempt.unaudited[0]}")
        lines.append(f"  {attempt.service}: {why}")
    return "unaudited", lines


def main(argv: list[str]) -> int:
    requirements = Path(argv[0]) if argv else LOCK
    outcome, lines = verdict(audit(requirements))
    for line in lines:
        print(line, file=sys.stderr if outcome != "clean" else sys.stdout)
    return {"vulnerable": 1, "clean": 0, "unaudited": 3}[outcome]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
