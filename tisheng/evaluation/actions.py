"""Writes of the evaluation app. Results are written only by the task (``services.store``); the one state
change a request or another task makes is queueing a computation."""

from django.utils import timezone

from tisheng.evaluation.models import ValueAddedJob


def queue_value_added(assessment_id: int, *, follow: bool = True) -> None:
    """The assessment's value-added is out of date: mark it and queue the task (at once in tests).

    Called after the assessments app's analysis of new or corrected scores (``assessments.tasks``)."""
    from tisheng.evaluation.tasks import compute_value_added

    ValueAddedJob.objects.update_or_create(assessment_id=assessment_id, defaults={
        "state": ValueAddedJob.State.QUEUED, "queued_at": timezone.now()})
    compute_value_added.enqueue(assessment_id, follow)
