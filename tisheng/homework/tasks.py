"""Background work of the homework app (``manage.py db_worker`` runs it; tests use the ImmediateBackend)."""

from datetime import date, timedelta

from django.tasks import task

from tisheng.homework import analysis
from tisheng.homework.models import PendingAnalysis
from tisheng.roster.models import School

# How long a school-week's changes are gathered before its results are computed again: the results lag the
# answers by at most this much, and a busy evening costs one refresh per school-week every few minutes.
REFRESH_DELAY = timedelta(minutes=2)


@task()
def analyse_week(school_id: int, week: str) -> int:
    """Refresh a school-week's results. The marker goes first, so that a change committed from now on queues
    another refresh instead of being missed (see ``actions.request_analysis``)."""
    PendingAnalysis.objects.filter(school_id=school_id, week=week).delete()
    school = School.objects.filter(pk=school_id).first()
    return analysis.analyse_week(school, date.fromisoformat(week)) if school else 0
