"""Every write of the wellbeing app, each in one transaction. Row history (simple-history) keeps every change
with who made it and, for a decision, why; a reading title's decisions are rows of their own.

Who may do what is checked by the views (``queries.may_*``); these functions check that the change fits the
time and the object's state, and raise ``NotAllowed`` with a message for the user otherwise.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisheng.homework.actions import class_on
from tisheng.homework.queries import monday
from tisheng.roster.models import School, SchoolClass, Student, Term
from tisheng.wellbeing.models import ActivityDay, PhoneException, PhoneRule, ReadingDecision, ReadingTitle, WakeReport
from tisheng.wellbeing.rules import WellbeingRules


class NotAllowed(Exception):
    """The change does not fit the time or the object's state (a message for the user)."""


def _changed(obj, user, reason: str = "") -> None:
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.save()


def request_analysis(school_id: int, week: date) -> None:
    """Compute the school-week's figures again once the change is committed."""
    from tisheng.wellbeing.tasks import analyse_week

    transaction.on_commit(lambda: analyse_week.enqueue(school_id, week.isoformat()))


# --- sleep ---------------------------------------------------------------------------------------------------
def wake_nights(rules: WellbeingRules, today: date) -> list[date]:
    """The nights a family may report a wake-up time for, last night first."""
    return [today - timedelta(days=i) for i in range(1, rules.wake_report_days(today) + 1)]


@transaction.atomic
def record_wake(user, student: Student, night: date, wake_time: time, *, today: date | None = None) -> WakeReport:
    """One wake-up time per child and night; a second answer (the other parent's) changes the first."""
    today = today or timezone.localdate()
    school_class = class_on(student, night)
    if school_class is None:
        raise NotAllowed(_("The child was in no class on that day."))
    if night not in wake_nights(WellbeingRules(school_class.school), today):
        raise NotAllowed(_("A wake-up time can be given for the last few nights only."))
    report, created = WakeReport.objects.select_for_update().get_or_create(
        student=student, night=night,
        defaults={"school_class": school_class, "wake_time": wake_time, "reported_by": user},
    )
    if not created:
        report.school_class, report.wake_time, report.reported_by = school_class, wake_time, user
        _changed(report, user)
    request_analysis(school_class.school_id, monday(night))
    return report


# --- activity in school ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DayMinutes:
    date: date
    pe_minutes: int
    break_minutes: int
    activity_minutes: int


@transaction.atomic
def record_activity(user, school_class: SchoolClass, days: list[DayMinutes]) -> int:
    """The week's grid: each filled day is written (created or changed), all or nothing."""
    weeks = set()
    for d in days:
        row, created = ActivityDay.objects.select_for_update().get_or_create(
            school_class=school_class, date=d.date,
            defaults={"pe_minutes": d.pe_minutes, "break_minutes": d.break_minutes,
                      "activity_minutes": d.activity_minutes, "recorded_by": user},
        )
        if not created:
            row.pe_minutes, row.break_minutes, row.activity_minutes = d.pe_minutes, d.break_minutes, d.activity_minutes
            row.recorded_by = user
            _changed(row, user)
        weeks.add(monday(d.date))
    for week in weeks:
        request_analysis(school_class.school_id, week)
    return len(days)


# --- phones ------------------------------------------------------------------------------------------------------
@transaction.atomic
def set_phone_rule(user, school: School, *, text: str, storage: str, effective_from: date) -> PhoneRule:
    """A new version of the school's rule from ``effective_from`` (the same date again changes that version)."""
    rule, created = PhoneRule.objects.select_for_update().get_or_create(
        school=school, effective_from=effective_from, defaults={"text": text, "storage": storage, "updated_by": user})
    if not created:
        rule.text, rule.storage, rule.updated_by = text, storage, user
        _changed(rule, user)
    return rule


@transaction.atomic
def request_phone_exception(user, student: Student, *, reason: str, parent_consent: bool,
                            today: date | None = None) -> PhoneException:
    """A parent's written application (书面申请) with consent. One open application per child at a time."""
    today = today or timezone.localdate()
    school_class = class_on(student, today)
    if school_class is None:
        raise NotAllowed(_("The child was in no class on that day."))
    requires = WellbeingRules(school_class.school).phone_exception_requires(today)
    if "parent_consent" in requires and not parent_consent:
        raise NotAllowed(_("The rule requires the parent's consent."))
    if "written_application" in requires and not reason.strip():
        raise NotAllowed(_("The rule requires a written application: give the reason."))
    if PhoneException.objects.select_for_update().filter(student=student, status=PhoneException.Status.PENDING).exists():
        raise NotAllowed(_("An application for this child is already waiting for a decision."))
    exception = PhoneException(student=student, school_class=school_class, reason=reason.strip(),
                               parent_consent=parent_consent, requested_by=user)
    _changed(exception, user, "requested")
    return exception


@transaction.atomic
def decide_phone_exception(user, exception: PhoneException, *, approve: bool, note: str,
                           now: datetime | None = None) -> PhoneException:
    """Approve or refuse a waiting application; a refusal says why."""
    exception = PhoneException.objects.select_for_update().get(pk=exception.pk)
    if exception.status != PhoneException.Status.PENDING:
        raise NotAllowed(_("This application has been decided already."))
    if not approve and not note.strip():
        raise NotAllowed(_("Say why the application is refused."))
    exception.status = PhoneException.Status.APPROVED if approve else PhoneException.Status.REFUSED
    exception.decided_by, exception.decided_at, exception.decision_note = user, now or timezone.now(), note.strip()
    _changed(exception, user, exception.status)
    return exception


# --- reading materials -------------------------------------------------------------------------------------------
@transaction.atomic
def propose_title(user, school: School, term: Term, *, title: str, author: str, publisher: str, grades: list[int],
                  reason: str, now: datetime | None = None) -> ReadingTitle:
    """初选: a teacher proposes a title, which is the procedure's first step."""
    now = now or timezone.now()
    if ReadingTitle.objects.filter(school=school, term=term, title=title, author=author).exists():
        raise NotAllowed(_("This title has been proposed for this term already."))
    first = WellbeingRules(school).reading_procedure(now.date())[0]
    item = ReadingTitle(school=school, term=term, title=title, author=author, publisher=publisher,
                        grades=sorted(grades), steps_done=1, proposed_by=user)
    _changed(item, user, first)
    ReadingDecision.objects.create(title=item, step=first, passed=True, reason=reason, decided_by=user, decided_at=now)
    return item


def next_step(item: ReadingTitle) -> tuple[str, bool] | None:
    """The procedure's next step for a title in review, and whether it is the last; None when none is left."""
    if item.status != ReadingTitle.Status.IN_PROGRESS:
        return None
    steps = WellbeingRules(item.school).reading_procedure()
    if item.steps_done >= len(steps):
        return None
    return steps[item.steps_done], item.steps_done == len(steps) - 1


@transaction.atomic
def decide_title(user, item: ReadingTitle, *, passed: bool, reason: str, now: datetime | None = None) -> ReadingTitle:
    """The next step of the procedure: passed (the title goes on; after the last step it is on the list) or not
    (the title is not recommended). Every decision gives its reason."""
    item = ReadingTitle.objects.select_for_update().select_related("school").get(pk=item.pk)
    step = next_step(item)
    if step is None:
        raise NotAllowed(_("This title is not in review any more."))
    if not reason.strip():
        raise NotAllowed(_("Give the reason for the decision."))
    name, last = step
    ReadingDecision.objects.create(title=item, step=name, passed=passed, reason=reason.strip(), decided_by=user,
                                   decided_at=now or timezone.now())
    item.steps_done += 1
    if not passed:
        item.status = ReadingTitle.Status.REJECTED
    elif last:
        item.status = ReadingTitle.Status.LISTED
    _changed(item, user, name)
    return item
