"""Background work of the wellbeing app (``manage.py db_worker`` runs it; tests use the ImmediateBackend)."""

from datetime import date

from django.tasks import task

from tisheng.roster.models import School
from tisheng.wellbeing import analysis


@task()
def analyse_week(school_id: int, week: str) -> int:
    """Refresh a school-week's sleep and activity figures."""
    school = School.objects.filter(pk=school_id).first()
    return analysis.analyse_week(school, date.fromisoformat(week)) if school else 0
