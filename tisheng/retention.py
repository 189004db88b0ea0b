"""Files that hold minors' personal data are kept only while their work needs them (R-ACC-4).

An uploaded roster or score file carries 身份证号 and names; a made report, scores and names. Each goes
``settings.FILE_RETENTION_DAYS`` days after its work ended (the batch's last change, the report's making),
with what was copied from it; the rows that say who did what and when stay. Exam files waiting for their
columns to be mapped go after ``uploads.PENDING_HOURS``. The removal runs as a background task each time a
file is uploaded or a report is asked for, and as ``manage.py remove_old_files`` (for cron).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone


def remove_old_files(now=None) -> dict[str, int]:
    """Remove what is older than the retention period; one audit event says how many of each went."""
    from tisheng.assessments import uploads
    from tisheng.audit.actions import record
    from tisheng.audit.models import AuditEvent
    from tisheng.imports import actions as imports
    from tisheng.reports import actions as reports

    now = now or timezone.now()
    days = settings.FILE_RETENTION_DAYS
    before = now - timedelta(days=days)
    removed = {
        "imports": imports.remove_old_files(before, now),
        "reports": reports.remove_old_files(before, now),
        "pending": uploads.remove_old_pending(now),
    }
    if any(removed.values()):
        record(None, AuditEvent.Action.FILES_REMOVED,
               f"删除保存期（{days} 天）已过的文件：导入 {removed['imports']} 个，报告 {removed['reports']} 个，"
               f"待对应列的成绩文件 {removed['pending']} 个", days=days, **removed)
    return removed


@task()
def remove_old_files_task() -> None:
    remove_old_files()


def remove_old_files_soon() -> None:
    """Queue the removal once the current transaction commits (called where files come in)."""
    transaction.on_commit(remove_old_files_task.enqueue)
