"""Browser tests: the demo organisation served by a real `runserver` process on its own SQLite
file (as `make run` does), driven by Playwright in Debian's headless Chromium.

Skipped when Chromium is missing, unless REQUIRE_SERVICES=1 (CI), where that fails instead.
Screenshots go to test-artifacts/screenshots/ (git-ignored), or to SCREENSHOT_DIR when set.
E2E_SERVER_URL drives an already running Prima (with the demo loaded) instead of starting one.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.services import services_required

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "test-artifacts" / "screenshots")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" not in str(item.path).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.e2e)
        if CHROMIUM is None:
            if services_required():
                item.user_properties.append(("missing_service", "Chromium is not installed (apt-get install chromium)"))
            else:
                item.add_marker(pytest.mark.skip(reason="needs Chromium: apt-get install chromium"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """`migrate` + `seed_demo` into a fresh SQLite file, then `runserver` on a free port."""
    if os.environ.get("E2E_SERVER_URL"):
        yield {"url": os.environ["E2E_SERVER_URL"].rstrip("/"), "env": dict(os.environ)}
        return
    database = tmp_path_factory.mktemp("e2e") / "prima-e2e.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    # a colleague is chosen through the directory, as in an organisation of more than 500 people
    env.update({"SQLITE_PATH": str(database), "DEBUG": "1", "PYTHONUNBUFFERED": "1", "PRIMA_PEOPLE_LISTED": "5"})
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    port = _free_port()
    log = (tmp_path_factory.getbasetemp() / "e2e-server.log").open("wb")
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("the demo server exited") from None
            time.sleep(0.3)
    yield {"url": url, "env": env}
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(autouse=True)
def people_without_a_stored_language(request):
    """Each browser test starts with the demo's people as seeded, without a stored language: a
    test that uses the language switch stores one for its persona, which a later test's fresh
    browser would otherwise be shown in."""
    if "demo_server" in request.fixturenames:
        path = request.getfixturevalue("demo_server")["env"].get("SQLITE_PATH")
        if path:
            with sqlite3.connect(path) as database:
                database.execute("UPDATE employees_user SET language = ''")
    yield


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, demo_server):
    context = browser.new_context(base_url=demo_server["url"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser, demo_server):
    context = browser.new_context(
        base_url=demo_server["url"], viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def sign_in(page, username: str, password: str = "prima-demo") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")
