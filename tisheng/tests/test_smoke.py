"""Every installed app loads on this Django, the system checks pass and no migration is missing.

Several apps' classifiers stop at Django 5.2 or 6.0 although they work on 6.1 (STACK.md): this is the test
that notices when one does not.
"""

import io

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command


@pytest.mark.parametrize("app", settings.INSTALLED_APPS)
def test_installed_app_is_loaded(app):
    assert any(config.name == app for config in apps.get_app_configs()), app


@pytest.mark.django_db  # the check command may touch the connection a live-server test left open
def test_system_checks_pass():
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_no_missing_migrations():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)  # exits non-zero when one is missing
    assert "No changes detected" in out.getvalue()


def test_task_worker_command_exists():
    from django.core.management import get_commands

    assert "db_worker" in get_commands()
    assert "demo" in get_commands()
