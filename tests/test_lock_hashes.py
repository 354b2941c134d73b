"""Issue 11: the install (scripts/lib.sh) checks every file against requirements.hashes, which
must pin exactly what requirements.lock pins (plus pip and setuptools), each with a hash."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pins(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match:
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


def test_the_hashes_pin_what_the_lock_pins_each_with_a_hash():
    hashed = (ROOT / "requirements.hashes").read_text()
    locked = pins((ROOT / "requirements.lock").read_text())
    with_hashes = pins(hashed)
    assert {k: v for k, v in with_hashes.items() if k not in ("pip", "setuptools")} == locked
    for block in re.split(r"\n(?=[A-Za-z0-9])", hashed.split("\n", 2)[2]):
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", block), block


def test_the_install_requires_the_hashes():
    script = (ROOT / "scripts" / "lib.sh").read_text()
    assert "--require-hashes --no-deps -r requirements.hashes" in script
    assert "-c requirements.lock" not in script
