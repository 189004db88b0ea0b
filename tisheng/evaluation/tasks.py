"""Background work: the value-added of an assessment after its scores change (``manage.py db_worker``)."""

from django.tasks import task

from tisheng.evaluation import services


@task()
def compute_value_added(assessment_id: int, follow: bool = True) -> None:
    """The assessment's value-added; with ``follow``, then the later assessments of the same cohort, whose
    priors it may be."""
    from tisheng.assessments.models import Assessment
    from tisheng.evaluation.actions import queue_value_added

    services.run(assessment_id)
    if follow:
        assessment = Assessment.objects.select_related("term__academic_year").get(pk=assessment_id)
        for later in services.later_assessments(assessment):
            queue_value_added(later, follow=False)
