"""Shared test fixtures: a small, realistic demo district built once per test session.

The world is written once (session scope) and every test runs inside a transaction that is rolled back,
so tests may change it freely. Tests that need ``transactional_db`` or ``live_server`` (browser tests) run
after the others (pytest-django orders them last) and build their own world, because their flush empties
the database.
"""

from dataclasses import dataclass

import pytest
from django.test import Client

from tisheng.accounts.models import User
from tisheng.roster.demo import DEMO_LOGINS, build_demo
from tisheng.roster.models import District, Term

# The test world: four schools (a junior school, a primary school, a central school with its village
# school), classes of 6–10 pupils, and a one-school neighbouring district.
WORLD_OPTIONS = {"students": 300, "class_size": (6, 10), "small": True, "other_district": True}


@dataclass
class World:
    district: District
    term: Term
    password: str
    logins: dict[str, User]


@pytest.fixture(scope="session")
def _world_built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo = build_demo(**WORLD_OPTIONS)
    return {"district_id": demo.district.pk, "term_id": demo.term.pk, "password": demo.password}


@pytest.fixture
def world(_world_built, db) -> World:
    """The demo district with fresh objects for this test (role name → User in ``logins``)."""
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

    def make(role: str) -> Client:
        client = Client()
        client.force_login(world.logins[role])
        return client

    return make
