"""Shared test fixtures: a small, realistic demo district built once per test session.

The world is written once (session scope) and every test runs inside a transaction that is rolled back,
so tests may change it freely. Tests that need ``transactional_db`` or ``live_server`` (browser tests) run
after the others (pytest-django orders them last) and build their own world, because their flush empties
the database.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

# Django imports stay inside the fixtures: `core` tests must run without Django (pytest -p no:django).

# The test world: four schools (a junior school, a primary school, a central school with its village
# school), classes of 6–10 pupils, and a one-school neighbouring district.
WORLD_OPTIONS = {"students": 300, "class_size": (6, 10), "small": True, "other_district": True}


@dataclass
class World:
    district: "District"  # noqa: F821
    term: "Term"  # noqa: F821
    password: str
    logins: dict[str, "User"]  # noqa: F821


@pytest.fixture(scope="session")
def _world_built(django_db_setup, django_db_blocker):
    from tisheng.roster.demo import build_demo

    with django_db_blocker.unblock():
        demo = build_demo(**WORLD_OPTIONS)
    return {"district_id": demo.district.pk, "term_id": demo.term.pk, "password": demo.password}


@pytest.fixture
def world(_world_built, db) -> World:
    """The demo district with fresh objects for this test (role name → User in ``logins``)."""
    from tisheng.accounts.models import User
    from tisheng.roster.demo import DEMO_LOGINS
    from tisheng.roster.models import District, Term

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_LOGINS.values())}
    return World(
        district=District.objects.get(pk=_world_built["district_id"]),
        term=Term.objects.get(pk=_world_built["term_id"]),
        password=_world_built["password"],
        logins={str(role): users[username] for role, username in DEMO_LOGINS.items()},
    )


@pytest.fixture
def client_for(world):
    """``client_for("head_teacher")`` → a test client logged in as that demo login."""

    from django.test import Client

    def make(role: str) -> Client:
        client = Client()
        client.force_login(world.logins[role])
        return client

    return make


# --- browser tests -------------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def require(condition: bool, what: str) -> None:
    """A test dependency: in CI its absence fails the run; on a developer's machine the test is skipped."""
    if condition:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{what} is missing, and CI=true: install it (.ci/run does)", pytrace=False)
    pytest.skip(f"{what} is not installed on this machine")


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"Chromium ({CHROMIUM})")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in Django's sync tests
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_world(live_server, transactional_db) -> World:
    """A world for tests against the live server (``live_server`` flushes the database around each test)."""
    from django.core.management import call_command

    from tisheng.roster.demo import build_demo

    # The session world may already be in this worker's database: a transactional test starts from
    # whatever the earlier tests left, and only flushes after itself.
    call_command("flush", interactive=False, verbosity=0)
    demo = build_demo(**WORLD_OPTIONS)
    return World(district=demo.district, term=demo.term, password=demo.password,
                 logins={str(r): u for r, u in demo.logins.items()})


@pytest.fixture
def page_for(browser, live_server, live_world, tmp_path):
    """``page_for("head_teacher", phone=False)`` → a Playwright page logged in through the login form."""
    contexts = []

    def make(role: str, *, phone: bool = False, language: str = "zh-hans"):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=phone)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", live_world.logins[role].username)
        page.fill("input[name=password]", live_world.password)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    yield make
    for context in contexts:
        context.close()


SCREENSHOTS = Path(os.environ.get("TISHENG_SCREENSHOTS", Path(__file__).resolve().parent.parent / "var" / "screenshots"))


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots/ (kept for a person to look at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
