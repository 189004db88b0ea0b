"""Background work: the analysis of an assessment after its scores change (``manage.py db_worker``)."""

from django.tasks import task

from tisheng.assessments import analysis


@task()
def analyse_assessment(assessment_id: int) -> None:
    analysis.run(assessment_id)
    # then the value-added (增值评价, tisheng/evaluation), which reads the same new scores
    from tisheng.evaluation.actions import queue_value_added

    queue_value_added(assessment_id)
