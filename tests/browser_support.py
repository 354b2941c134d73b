"""The dashboard in a server process and Debian's Chromium, for the browser tests and the benchmark.

The browser tests import this as ``browser_support`` (tests/ is on their path, as for
``dashboard_fixture``); the benchmark, run as a script from the project folder, imports it as
``tests.browser_support``. Nothing here needs pytest or Playwright until it is called, so the
benchmark can import it with ``--skip-browser`` on a machine without either.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: The app once a script run has finished, and while one is under way.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 20


def pick_option(page, box, name, *, attempts: int = 6) -> None:
    """Open the select box ``box`` and click its option ``name``. On a loaded machine a script
    rerun can redraw the box between the click and the list opening (the list then closes, or
    the click only focuses it), so the list is opened again until the option shows. ``name``
    is the option's whole text, or a compiled pattern."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    option = page.get_by_role("option", name=name, exact=True)
    for attempt in range(attempts):
        page.wait_for_selector(IDLE)
        box.locator("input").click()
        try:
            option.wait_for(timeout=10_000)
            # The list can also close between showing the option and the click (seen in a
            # fresh-clone CI run: "element was detached from the DOM"): then open it again.
            option.click(timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")


def settle(page) -> None:
    """Wait for the script run that the last browser action started to finish."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_selector(RUNNING, timeout=1500)
    except PlaywrightTimeout:
        pass  # the run was quicker than the check
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(300)


def visit(page, url: str) -> None:
    """Open ``url`` and wait for its script run to finish."""
    page.goto(url)
    page.wait_for_selector(IDLE)
    settle(page)


def pick_options(page, box, names) -> None:
    """Choose each of ``names`` (whole option texts) in the multiselect ``box``, checking that
    each shows as chosen: a click that lands while the list reflows (a chosen option leaves it)
    can be lost, and is then made again."""
    from playwright.sync_api import expect

    for name in names:
        chip = box.locator(f'[data-tag][aria-label="{name}"]')  # a chosen value's tag
        for _ in range(4):
            if chip.count():
                break
            pick_option(page, box, name)
            page.keyboard.press("Escape")
            page.wait_for_timeout(200)
        expect(chip).to_have_count(1)


def labelled(page, testid: str, label: str):
    """The widget ``testid`` (``stSelectbox``, ``stMultiSelect``, ...) whose label is ``label``,
    for ``pick_option``."""
    return page.get_by_test_id(testid).filter(
        has=page.get_by_test_id("stWidgetLabel").filter(has_text=label)).first


def sign_in(page, url: str, username: str, password: str) -> None:
    """Open the staff page at ``url`` and sign in on the form it shows, with a local password;
    returns once the sidebar says who is signed in."""
    from playwright.sync_api import expect

    visit(page, url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as")).to_be_visible()


class ServerDidNotStart(RuntimeError):
    """A server exited, or did not answer its health check in time; the message holds its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_browser() -> None:
    """Skip the calling test when Chromium or Playwright is missing on a developer machine; in CI
    (``CI=true``), where both must be there, fail it instead."""
    import pytest

    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed"
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


@contextmanager
def server_process(command: list[str], health_url: str, log: Path, *,
                   env: Mapping[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """``command``, run from the project folder with its output in ``log``, once ``health_url``
    answers 200.

    It runs in a process group of its own, and leaving the block stops the whole group (SIGTERM,
    then SIGKILL for whatever is still there after 20 s), so nothing it started outlives it.
    Raises ServerDidNotStart, with the log, if the process exits or 90 s pass first.
    """
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=None if env is None else dict(env),
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        _wait_until_healthy(process, health_url, log)
        yield process
    finally:
        _stop_group(process)


def _wait_until_healthy(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass  # not listening yet, or not ready (Streamlit answers 503 until it is)
        if process.poll() is not None:
            problem = f"exited with code {process.returncode} before answering at {url}"
        elif time.monotonic() > deadline:
            problem = f"did not answer at {url} within {START_TIMEOUT_S} s"
        else:
            time.sleep(0.25)
            continue
        raise ServerDidNotStart(f"{' '.join(map(str, process.args))} {problem}; its log:\n"
                                f"{log.read_text(encoding='utf-8', errors='replace')}")


def _stop_group(process: subprocess.Popen) -> None:
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pass
    _signal_group(process, signal.SIGKILL)  # a server that hung, or anything it left behind
    process.wait()


def _signal_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass  # nothing of the group is left


@dataclass
class DashboardServer:
    url: str
    process: subprocess.Popen
    log: Path
    #: The server's whole log, read once it has stopped (when the ``with`` block is left).
    output: str = field(default="", repr=False)

    @property
    def has_traceback(self) -> bool:
        """Whether the server logged a Python traceback while it ran."""
        return "Traceback" in self.output


@contextmanager
def dashboard_server(db: Path, folder: Path, *,
                     env: Mapping[str, str] | None = None) -> Iterator[DashboardServer]:
    """``python -m tracker --db DB serve`` on a free port of 127.0.0.1, as the dashboard is run
    for real (it creates and seeds ``db`` when that is new), ready to answer.

    ``folder`` holds the server's log (``server.log``) and its home and XDG folders; ``env`` adds
    to the environment (see ``server_env``). Raises ServerDidNotStart if the server dies or does
    not answer within 90 s; on leaving the block the server is stopped and its log read into
    ``output``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url, log = f"http://127.0.0.1:{port}", folder / "server.log"
    command = [sys.executable, "-m", "tracker", "--db", str(db), "serve", "--port", str(port),
               "--host", "127.0.0.1"]
    with server_process(command, f"{url}/_stcore/health", log, env=server_env(folder, env)) as process:
        server = DashboardServer(url=url, process=process, log=log)
        yield server
    server.output = log.read_text(encoding="utf-8", errors="replace")


def server_env(folder: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a server run from this checkout: the project importable, its home and
    XDG folders in ``folder`` (so nothing of the real home is read or written), no TRACKER_DB
    (``tracker serve`` is told the database by ``--db``), then ``extra``."""
    env = {**os.environ, **_own_home(folder),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("TRACKER_DB", None)
    return {**env, **(extra or {})}


def _own_home(folder: Path) -> dict[str, str]:
    return {"HOME": str(folder), "XDG_CONFIG_HOME": str(folder / "config"),
            "XDG_CACHE_HOME": str(folder / "cache")}


@contextmanager
def chromium(folder: Path) -> Iterator:
    """Debian's Chromium, headless, driven through Playwright, with its home and XDG folders in
    ``folder``; closed on leaving the block. Yields a ``playwright.sync_api.Browser``."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             env={**os.environ, **_own_home(folder)})
        try:
            yield browser
        finally:
            browser.close()
