"""Background work of imports (``manage.py db_worker`` runs it; tests use the ImmediateBackend)."""

from django.tasks import task

from tisheng.imports import actions


@task()
def validate_import(batch_id: int) -> None:
    actions.validate_batch(batch_id)


@task()
def commit_import(batch_id: int) -> None:
    actions.commit_batch(batch_id)
