"""Writes made through the API. Row-level history (who, when, what) is kept by simple-history on the models."""

from django.db import transaction

from tisheng.roster.models import Person, Student


@transaction.atomic
def update_student(student: Student, *, boarding=None, left_behind=None, guardian_phones: dict[int, str]) -> None:
    """Change a pupil's boarding and left-behind flags and guardians' phone numbers; ``None`` leaves a flag as it is."""
    changed = [f for f, v in (("boarding", boarding), ("left_behind", left_behind)) if v is not None and getattr(student, f) != v]
    if changed:
        fresh = Student.objects.get(pk=student.pk)  # not the annotated row of the scoped query
        for f in changed:
            setattr(fresh, f, boarding if f == "boarding" else left_behind)
        fresh._change_reason = "API"
        fresh.save(update_fields=changed)
    for person in Person.objects.filter(pk__in=guardian_phones):
        if person.phone != guardian_phones[person.pk]:
            person.phone = guardian_phones[person.pk]
            person._change_reason = "API"
            person.save(update_fields=["phone"])
