"""Background work of reports (``manage.py db_worker`` runs it; tests use the ImmediateBackend)."""

from django.tasks import task

from tisheng.reports import actions


@task()
def generate_report(report_id: int) -> None:
    actions.generate(report_id)
