"""Every write of the homework app, each in one transaction. Row history (simple-history) keeps every change
with who made it and, for a change of state, why. The class record is a report kind (``report_kinds.py``):
the report pipeline audits its downloads.

Who may do what is checked by the views (``queries.may_*``); these functions check that the change fits the
plan's state and that nobody else changed the plan since the caller read it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisheng.core import homework as core
from tisheng.homework.models import Feedback, InSchoolCount, Item, PendingAnalysis, Plan, PostedItem
from tisheng.homework.queries import monday, week_days
from tisheng.homework.rules import SchoolRules
from tisheng.roster.models import ClassMembership, SchoolClass, Student, Subject, Teacher

Status = Plan.Status

# What a change of a plan was, as its history keeps it (``history_change_reason``) and the pages show it.
CHANGES = {
    "edited": gettext_lazy("edited"),
    "edited_after_approval": gettext_lazy("edited after approval: back to review"),
    "submitted": gettext_lazy("submitted for review"),
    "approved_published": gettext_lazy("approved and published"),
    "approved_held": gettext_lazy("approved, held: over the limit"),
    "published": gettext_lazy("published by the grade leader"),
    "still_held": gettext_lazy("still over the limit"),
    "returned": gettext_lazy("returned"),
}


class Conflict(Exception):
    """The plan was changed by someone else after the caller read it (a stale version)."""

    def __init__(self, current: Plan):
        super().__init__(f"plan {current.pk} is at version {current.version}")
        self.current = current


class NotAllowed(Exception):
    """The change does not fit the plan's state, or the time (a message for the user)."""


@dataclass(frozen=True)
class ItemData:
    date: date
    content: str
    kind: str
    category: str
    layer: str
    minutes: int
    id: int | None = None  # an existing item of the plan

    FIELDS = ("date", "content", "kind", "category", "layer", "minutes")


@dataclass(frozen=True)
class OverDay:
    date: date
    written: int  # the class's written minutes that day with this plan
    limit: int


def _save(plan: Plan, user, reason: str) -> None:
    plan.version += 1
    plan.updated_by = user
    plan._history_user = user
    plan._change_reason = reason
    plan.save()


def _locked(plan: Plan, version: int) -> Plan:
    """The plan read again under a row lock; Conflict when its version is no longer ``version``.

    Only the plan's row is locked (``of``): PostgreSQL would otherwise lock the joined school and subject rows
    too, and every save of a school's (or a subject's) plans would wait for the others, or deadlock."""
    current = (Plan.objects.select_for_update(of=("self",)).select_related("school_class__school", "subject")
               .get(pk=plan.pk))
    if current.version != version:
        raise Conflict(current)
    return current


# --- filing --------------------------------------------------------------------------------------------------
@transaction.atomic
def start_plan(user, *, teacher: Teacher, school_class: SchoolClass, subject: Subject, week: date) -> Plan:
    """The teacher's plan of the week for a class and subject: the existing one, or a new draft."""
    plan, _created = Plan.objects.get_or_create(
        teacher=teacher, school_class=school_class, subject=subject, week=monday(week),
        defaults={"updated_by": user},
    )
    return plan


@transaction.atomic
def save_plan(user, plan: Plan, *, version: int, items: list[ItemData], submit: bool, now: datetime | None = None) -> Plan:
    """Replace the plan's items (an item keeps its row, and so its history, when it is edited) and, with
    ``submit``, send it for review. A plan changed after approval goes back to review; its last approved
    version stays posted until the new one is approved."""
    now = now or timezone.now()
    plan = _locked(plan, version)
    existing = {i.pk: i for i in plan.items.all()}
    kept = set()
    changed = False
    for position, data in enumerate(sorted(items, key=lambda d: d.date)):
        values = {f: getattr(data, f) for f in ItemData.FIELDS} | {"position": position}
        item = existing.get(data.id)
        if item is None:
            item = Item(plan=plan, **values)
        elif all(getattr(item, f) == v for f, v in values.items()):
            kept.add(item.pk)
            continue
        else:
            for f, v in values.items():
                setattr(item, f, v)
            kept.add(item.pk)
        item._history_user = user
        item.save()
        changed = True
    for pk, item in existing.items():
        if pk not in kept:
            item._history_user = user
            item.delete()
            changed = True

    reason = "edited"
    if plan.status in (Status.PUBLISHED, Status.HELD) and changed:
        plan.status, reason = Status.SUBMITTED, "edited_after_approval"
    if submit and plan.status in (Status.DRAFT, Status.RETURNED):
        plan.status, reason = Status.SUBMITTED, "submitted"
    if plan.status == Status.SUBMITTED and (submit or changed):
        plan.submitted_at = now
        plan.late = timezone.localdate(now) > SchoolRules(plan.school_class.school).due_date(plan.week)
        plan.review_note = ""
    _save(plan, user, reason)
    return plan


# --- review and publishing ---------------------------------------------------------------------------------------
@transaction.atomic
def approve(user, plan: Plan, *, version: int, now: datetime | None = None) -> list[OverDay]:
    """The subject-group leader approves; the plan is published, or held when it would put a class-day over
    its limit. Returns the days over the limit (empty when published)."""
    now = now or timezone.now()
    plan = _locked(plan, version)
    if plan.status != Status.SUBMITTED:
        raise NotAllowed(_("Only a plan awaiting review can be approved."))
    plan.reviewed_by, plan.reviewed_at, plan.review_note = user, now, ""
    return _publish(user, plan, now, published="approved_published", held="approved_held")


@transaction.atomic
def publish_held(user, plan: Plan, *, version: int, now: datetime | None = None) -> list[OverDay]:
    """The grade leader publishes a held plan once the class-days have room (after other plans were cut)."""
    now = now or timezone.now()
    plan = _locked(plan, version)
    if plan.status != Status.HELD:
        raise NotAllowed(_("Only a held plan can be published this way."))
    return _publish(user, plan, now, published="published", held="still_held")


@transaction.atomic
def return_plan(user, plan: Plan, *, version: int, reason: str, now: datetime | None = None) -> Plan:
    """Back to the teacher with a reason: by the subject leader in review, or by the grade leader to resolve a
    class-day over its limit (the plan's posted version, if any, stays posted until a new one is approved)."""
    now = now or timezone.now()
    plan = _locked(plan, version)
    if plan.status not in (Status.SUBMITTED, Status.HELD):
        raise NotAllowed(_("Only a plan awaiting review or held can be returned."))
    if not reason.strip():
        raise NotAllowed(_("Say why the plan is returned."))
    plan.status = Status.RETURNED
    plan.reviewed_by, plan.reviewed_at, plan.review_note = user, now, reason.strip()[:300]
    _save(plan, user, "returned")
    return plan


def _publish(user, plan: Plan, now: datetime, *, published: str, held: str) -> list[OverDay]:
    school_class = plan.school_class
    # One class's publications one at a time, so that two plans cannot both fit a day that has room for one.
    SchoolClass.objects.select_for_update().filter(pk=school_class.pk).first()
    over = days_over_limit(plan, list(plan.items.all()))
    if over:
        plan.status = Status.HELD
        _save(plan, user, held)
        return over
    PostedItem.objects.filter(plan=plan).delete()
    PostedItem.objects.bulk_create(
        PostedItem(plan=plan, school_class=school_class, subject_id=plan.subject_id, teacher_id=plan.teacher_id,
                   date=i.date, position=i.position, content=i.content, kind=i.kind, category=i.category,
                   layer=i.layer, minutes=i.minutes, published_at=now)
        for i in plan.items.all()
    )
    plan.status, plan.published_at = Status.PUBLISHED, now
    _save(plan, user, published)
    request_analysis(school_class.school_id, plan.week)
    return []


def class_day_load(plan: Plan, items: list[ItemData] | list[Item]) -> dict[date, dict]:
    """For each day of the plan's week: the class's posted load without this plan (``others``), this plan's
    load (``own``) and the limit. Used while typing and to decide whether a plan may be published."""
    school_class = plan.school_class
    days = week_days(plan.week)
    others = list(
        PostedItem.objects.filter(school_class=school_class, date__in=days).exclude(plan_id=plan.pk)
        .values("date", "kind", "layer", "minutes")
    )
    own = [{"date": i.date, "kind": i.kind, "layer": i.layer, "minutes": i.minutes} for i in items]
    # One call to the one formula for the three sets: each set goes in under its own stand-in class id.
    names = ("others", "with", "own")
    rows = [{"class_id": n, **row} for n, part in enumerate((others, others + own, own)) for row in part]
    loads = {name: {} for name in names}
    for r in core.daily_load(pl.DataFrame(rows, schema=core.ITEMS_SCHEMA)).to_dicts():
        loads[names[r.pop("class_id")]][r["date"]] = r
    rules = SchoolRules(school_class.school)
    zero = {"written": 0, "practical": 0, "total": 0}
    return {
        day: {
            "others": loads["others"].get(day, zero), "own": loads["own"].get(day, zero),
            "with": loads["with"].get(day, zero), "limit": rules.written_limit(school_class.grade, day),
        }
        for day in days
    }


def days_over_limit(plan: Plan, items) -> list[OverDay]:
    """The days on which this plan's written homework would take the class over its limit."""
    over = []
    for day, load in class_day_load(plan, items).items():
        written, limit = load["with"]["written"], load["limit"]
        if load["own"]["written"] > 0 and core.over_limit(written, limit) > 0:
            over.append(OverDay(day, written, limit))
    return over


# --- copying ------------------------------------------------------------------------------------------------------
def last_week_items(plan: Plan) -> list[ItemData]:
    """The same teacher's items for the class and subject a week earlier, moved to this week's days."""
    previous = Plan.objects.filter(teacher_id=plan.teacher_id, school_class_id=plan.school_class_id,
                                   subject_id=plan.subject_id, week=plan.week - timedelta(days=7)).first()
    if previous is None:
        return []
    return [ItemData(i.date + timedelta(days=7), i.content, i.kind, i.category, i.layer, i.minutes)
            for i in previous.items.all()]


def copy_to_parallel(user, plan: Plan, targets: list[SchoolClass], now: datetime | None = None) -> dict[str, list]:
    """Copy the plan's items into the teacher's plans for ``targets`` (parallel classes, same subject and week).

    A target plan that is already submitted, held or published is left alone (it is under review or posted);
    the others receive the items as a draft. Returns the classes copied to and those skipped.
    """
    items = [ItemData(i.date, i.content, i.kind, i.category, i.layer, i.minutes) for i in plan.items.all()]
    done, skipped = [], []
    for school_class in targets:
        target = start_plan(user, teacher=plan.teacher, school_class=school_class, subject=plan.subject, week=plan.week)
        if target.status not in (Status.DRAFT, Status.RETURNED):
            skipped.append(school_class)
            continue
        save_plan(user, target, version=target.version, items=items, submit=False, now=now)
        done.append(school_class)
    return {"copied": done, "skipped": skipped}


# --- families and head teachers ------------------------------------------------------------------------------------
def class_on(student: Student, day: date) -> SchoolClass | None:
    m = (
        ClassMembership.objects.filter(student=student, joined_on__lte=day, term__start_date__lte=day,
                                       term__end_date__gte=day)
        .exclude(left_on__lte=day)
        .select_related("school_class__school__district")
        .first()
    )
    return m.school_class if m else None


def feedback_open(school_class: SchoolClass, day: date, now: datetime | None = None,
                  rules: SchoolRules | None = None) -> bool:
    """Families answer on the day itself and may change the answer until the next morning."""
    local = timezone.localtime(now or timezone.now()).replace(tzinfo=None)
    rules = rules or SchoolRules(school_class.school)
    return local.date() >= day and local < rules.feedback_editable_until(day)


@transaction.atomic
def record_feedback(user, student: Student, day: date, *, minutes: int | None, finished: str,
                    bedtime: time | None, now: datetime | None = None,
                    school_class: SchoolClass | None = None) -> Feedback:
    """One answer per child and day: a second answer (from the other parent, say) changes the first.
    ``school_class``: the child's class that day, when the caller has looked it up already."""
    school_class = school_class or class_on(student, day)
    if school_class is None:
        raise NotAllowed(_("The child was in no class on that day."))
    if not feedback_open(school_class, day, now):
        raise NotAllowed(_("Answers for this day can no longer be changed."))
    answer, created = Feedback.objects.select_for_update().get_or_create(
        student=student, date=day,
        defaults={"school_class": school_class, "minutes": minutes, "finished": finished, "bedtime": bedtime,
                  "reported_by": user},
    )
    if not created:
        answer.school_class, answer.minutes, answer.finished, answer.bedtime = school_class, minutes, finished, bedtime
        answer.reported_by = user
        answer._history_user = user
        answer.save()
    request_analysis(school_class.school_id, monday(day))
    return answer


@transaction.atomic
def record_count(user, school_class: SchoolClass, day: date, finished_in_school: int) -> InSchoolCount:
    count, created = InSchoolCount.objects.select_for_update().get_or_create(
        school_class=school_class, date=day, defaults={"finished_in_school": finished_in_school, "recorded_by": user}
    )
    if not created:
        count.finished_in_school, count.recorded_by = finished_in_school, user
        count._history_user = user
        count.save()
    request_analysis(school_class.school_id, monday(day))
    return count


# --- analysis ---------------------------------------------------------------------------------------------------
def request_analysis(school_id: int, week: date, *, at_once: bool = False) -> None:
    """Ask for the school-week's results to be computed again, once the change is committed.

    Changes are gathered: the refresh runs ``tasks.REFRESH_DELAY`` after the first change that asked for it
    (where the task backend can defer), so the thousands of answers of one evening cost a few refreshes, not
    thousands. The marker is checked after the commit: a refresh already queued (marker present) will read this
    change, because the task removes the marker before it reads; otherwise a new refresh is queued.
    ``at_once`` (the refresh button) queues one now, whatever is pending.
    """
    from tisheng.homework.tasks import REFRESH_DELAY, analyse_week

    def enqueue():
        task = analyse_week
        if not at_once:
            _marker, created = PendingAnalysis.objects.get_or_create(school_id=school_id, week=week)
            if not created:
                return
            if task.get_backend().supports_defer:
                task = task.using(run_after=timezone.now() + REFRESH_DELAY)
        task.enqueue(school_id, week.isoformat())

    transaction.on_commit(enqueue)
