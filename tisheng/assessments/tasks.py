"""Background work: the analysis of an assessment after its scores change (``manage.py db_worker``)."""

from django.tasks import task

from tisheng.assessments import analysis


@task()
def analyse_assessment(assessment_id: int) -> None:
    analysis.run(assessment_id)
