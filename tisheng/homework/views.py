"""Homework pages. Thin: objects come from ``queries`` (which starts from ``visible``) or ``get_for_user``, writes
go through ``actions``. An object outside the user's scope is a 404; a page the role does not use is a 403.
"""

from collections import defaultdict
from datetime import timedelta
from urllib.parse import urlencode

import polars as pl
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tisheng.accounts.scope import Scope, get_for_user, visible
from tisheng.core import homework as core
from tisheng.homework import actions, forms, queries
from tisheng.homework.models import ClassDayLoad, Feedback, InSchoolCount, Plan, PostedItem, SupportFlag
from tisheng.homework.queries import monday, parse_day, parse_week, week_days
from tisheng.homework.report_kinds import KEY as RECORD_KIND
from tisheng.homework.rules import SchoolRules
from tisheng.reports.registry import class_choices, get_kind, kinds_for
from tisheng.roster.models import School, SchoolClass, Student, TeachingAssignment
from tisheng.roster.queries import own_children

Status = Plan.Status


# --- shared bits --------------------------------------------------------------------------------------------
def _tabs(user, current: str) -> list[dict]:
    s = Scope.of(user)
    items = []
    if queries.is_teacher(user):
        items.append(("plans", _("My plans"), reverse("homework:my_plans")))
    if queries.is_reviewer(user) or s.grades or s.school_ids:
        items.append(("review", _("Review"), reverse("homework:review_list")))
    if queries.is_coordinator(user):
        items.append(("totals", _("Week totals"), reverse("homework:week_totals")))
    for class_id in sorted(s.head_class_ids)[:1]:
        items.append(("class", _("My class"), reverse("homework:class_week", args=[class_id])))
    if queries.is_staff(user):
        items.append(("analysis", _("Analysis"), reverse("homework:analysis")))
    if queries.is_coordinator(user):
        items.append(("dashboard", _("Overview"), reverse("homework:dashboard")))
    if s.school_ids or s.district_ids:
        items.append(("summary", _("Weekly summary"), reverse("homework:summary")))
    if s.child_ids:
        items.append(("today", _("Today's homework"), reverse("homework:today")))
    return [{"key": k, "label": label, "url": url, "active": k == current} for k, label, url in items]


def _page(request, template: str, tab: str, **context) -> HttpResponse:
    return render(request, template, {"tabs": _tabs(request.user, tab), **context})


def week_nav(week, **params) -> dict:
    """The week's bounds and neighbours; ``params`` (e.g. the school shown) stay in the week links."""
    kept = {k: v for k, v in params.items() if v is not None}
    return {"week": week, "week_end": week + timedelta(days=6), "prev_week": week - timedelta(days=7),
            "next_week": week + timedelta(days=7), "this_week": monday(timezone.localdate()),
            "query_prefix": urlencode(kept) + "&" if kept else ""}


def _next_url(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return default


def _load_rows(rows: list[dict]) -> dict[tuple, dict]:
    """(class id, date) → planned minutes, through the one formula in ``core``."""
    frame = pl.DataFrame(rows, schema=core.ITEMS_SCHEMA)
    return {(r["class_id"], r["date"]): r for r in core.daily_load(frame).to_dicts()}


def _plan_items(plan_qs) -> list[dict]:
    return [
        {"class_id": c, "date": d, "kind": k, "layer": layer, "minutes": m}
        for c, d, k, layer, m in plan_qs.values_list("school_class_id", "items__date", "items__kind", "items__layer",
                                                     "items__minutes")
        if d is not None
    ]


# --- entry --------------------------------------------------------------------------------------------------
@require_GET
def index(request):
    """The homework page that matters most to the user's widest role."""
    s = Scope.of(request.user)
    if s.district_ids:
        return redirect("homework:dashboard")
    if s.school_ids:
        return redirect("homework:summary")
    if s.grades:
        return redirect("homework:week_totals")
    if s.subject_grades:
        return redirect("homework:review_list")
    if queries.is_teacher(request.user):
        return redirect("homework:my_plans")
    if s.child_ids:
        return redirect("homework:today")
    raise PermissionDenied


# --- a teacher's plans -------------------------------------------------------------------------------------------
@require_GET
def my_plans(request):
    user = request.user
    if not queries.is_teacher(user):
        raise PermissionDenied
    week = parse_week(request.GET.get("week"), timezone.localdate() + timedelta(days=7))
    s = Scope.of(user)
    mine = {(p.school_class_id, p.subject_id): p for p in queries.plans(user).filter(teacher_id=s.teacher_id, week=week)}
    rows, due = [], None
    for a in queries.own_assignments(user):
        due = due or SchoolRules(a.school_class.school).due_date(week)
        rows.append({"assignment": a, "plan": mine.get((a.school_class_id, a.subject_id))})
    return _page(request, "homework/my_plans.html", "plans", rows=rows, due=due,
                 overdue=due is not None and timezone.localdate() > due, **week_nav(week))


@require_POST
def plan_start(request):
    """Open (or create as a draft) the user's plan for a class, subject and week, then edit it."""
    user = request.user
    try:
        class_id, subject_id = int(request.POST["school_class"]), int(request.POST["subject"])
    except (KeyError, ValueError):
        raise Http404 from None
    week = parse_week(request.POST.get("week"), timezone.localdate())
    assignment = queries.own_assignments(user).filter(school_class_id=class_id, subject_id=subject_id).first()
    if assignment is None:
        raise Http404
    plan = actions.start_plan(user, teacher=assignment.teacher, school_class=assignment.school_class,
                              subject=assignment.subject, week=week)
    edit = reverse("homework:plan_edit", args=[plan.pk])
    return redirect(f"{edit}?copy=last_week" if request.POST.get("copy") == "last_week" else edit)


def _plan(user, pk) -> Plan:
    return get_for_user(user, Plan.objects.select_related("teacher__person", "school_class__school__district",
                                                          "subject"), pk=pk)


def _warnings(rules: SchoolRules, week, contents) -> list[dict]:
    """One warning per piece of homework and kind of problem, with the phrases that were found."""
    phrases = rules.phrases(week)
    found: dict[tuple[str, str], list[str]] = {}
    for content in dict.fromkeys(contents):
        for w in core.content_warnings(content, phrases):
            found.setdefault((content, w.category), []).append(w.phrase)
    return [{"content": c, "category": cat, "phrase": "”“".join(words)} for (c, cat), words in found.items()]


def _day_groups(plan: Plan, formset, rules: SchoolRules) -> list[dict]:
    by_day = defaultdict(list)
    for form in formset.forms:
        value = form["date"].value()
        by_day[str(value)].append(form)
    return [{"date": day, "forms": by_day.get(day.isoformat(), []), "off": rules.day_off(day)}
            for day in week_days(plan.week)]


def _totals_context(plan: Plan, items, rules: SchoolRules) -> dict:
    load = actions.class_day_load(plan, items)
    days = []
    for day, row in load.items():
        days.append({**row, "date": day, "over": core.over_limit(row["with"]["written"], row["limit"]),
                     "weekend": rules.day_off(day)})
    return {"load_days": days, "any_over": any(d["over"] for d in days),
            "warnings": _warnings(rules, plan.week, [i.content for i in items])}


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    user = request.user
    plan = _plan(user, pk)
    if not queries.may_edit(user, plan):
        raise PermissionDenied
    rules = SchoolRules(plan.school_class.school)
    conflict = mine = None
    if request.method == "POST":
        formset = forms.item_formset(plan, rules, data=request.POST)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        if formset.is_valid():
            try:
                plan = actions.save_plan(user, plan, version=version, items=formset.items(),
                                         submit="submit" in request.POST)
            except actions.Conflict as c:
                conflict, mine = c.current, formset.items()
                plan = _plan(user, pk)
                formset = forms.item_formset(plan, rules)
            else:
                if plan.status == Status.SUBMITTED:
                    messages.success(request, _("The plan was sent to the subject-group leader for review."))
                else:
                    messages.success(request, _("The plan was saved."))
                return redirect("homework:plan_detail", plan.pk)
        items = [f.item() for f in formset.forms if f.is_valid() and not f.is_empty] if conflict is None else None
    else:
        copied = actions.last_week_items(plan) if request.GET.get("copy") == "last_week" else None
        if request.GET.get("copy") == "last_week":
            if copied:
                messages.info(request, _("Last week's homework was copied into the form. Check it, then save."))
            else:
                messages.warning(request, _("You filed no plan for this class and subject last week."))
        items = copied or forms.stored_items(plan)
        formset = forms.item_formset(plan, rules, items=items)
    if items is None:
        items = forms.stored_items(plan)
    return _page(
        request, "homework/plan_edit.html", "plans", plan=plan, formset=formset,
        days=_day_groups(plan, formset, rules),
        conflict=conflict, mine=mine, due=rules.due_date(plan.week), **_totals_context(plan, items, rules),
    )


@require_POST
def plan_totals(request, pk):
    """The class's running daily totals and the content warnings while the teacher types (htmx)."""
    user = request.user
    plan = _plan(user, pk)
    if not queries.may_edit(user, plan):
        raise PermissionDenied
    rules = SchoolRules(plan.school_class.school)
    formset = forms.item_formset(plan, rules, data=request.POST)
    formset.is_valid()
    items = []
    for form in formset.forms:
        d = getattr(form, "cleaned_data", {}) or {}
        if form in formset.deleted_forms or not d.get("date") or not d.get("minutes"):
            continue
        items.append(forms.ItemData(d["date"], d.get("content") or "", d.get("kind") or "written",
                                    d.get("category") or "basic", d.get("layer") or "", d["minutes"]))
    return render(request, "homework/_totals.html", {"plan": plan, **_totals_context(plan, items, rules)})


@require_GET
def plan_detail(request, pk):
    user = request.user
    plan = _plan(user, pk)
    rules = SchoolRules(plan.school_class.school)
    items = list(plan.items.all())
    by_day = defaultdict(list)
    for item in items:
        by_day[item.date].append(item)
    parallel = []
    if plan.teacher_id == Scope.of(user).teacher_id:
        parallel = [a.school_class for a in queries.own_assignments(user).filter(
            subject_id=plan.subject_id, school_class__grade=plan.school_class.grade).exclude(school_class_id=plan.school_class_id)]
    history = list(plan.history.select_related("history_user__person").order_by("-history_date")[:30])
    for h in history:
        h.label = actions.CHANGES.get(h.history_change_reason) or (_("created") if h.history_type == "+" else "")
    return _page(
        request, "homework/plan_detail.html", "plans" if plan.teacher_id == Scope.of(user).teacher_id else "review",
        plan=plan, days=[{"date": d, "items": by_day.get(d, [])} for d in week_days(plan.week)],
        may_edit=queries.may_edit(user, plan), may_review=queries.may_review(user, plan),
        may_resolve=queries.may_resolve(user, plan), parallel=parallel, history=history,
        due=rules.due_date(plan.week), **_totals_context(plan, items, rules),
    )


@require_POST
def plan_review(request, pk):
    """Approve or return (subject-group leader); publish or return a held plan (grade leader)."""
    user = request.user
    plan = _plan(user, pk)
    held = plan.status == Status.HELD
    allowed = {
        "approve": queries.may_review(user, plan),
        "return": queries.may_resolve(user, plan) if held else queries.may_review(user, plan),
        "publish": queries.may_resolve(user, plan),
    }
    if not allowed.get(request.POST.get("decision"), any(allowed.values())):
        raise PermissionDenied
    form = forms.ReviewForm(request.POST)
    back = _next_url(request, reverse("homework:plan_detail", args=[plan.pk]))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    decision, version = form.cleaned_data["decision"], form.cleaned_data["version"]
    try:
        if decision == "return":
            actions.return_plan(user, plan, version=version, reason=form.cleaned_data["reason"])
            messages.success(request, _("The plan was returned to %(teacher)s.") % {"teacher": plan.teacher.person.name})
        else:
            over = (actions.approve if decision == "approve" else actions.publish_held)(user, plan, version=version)
            if over:
                days = "、".join(f"{o.date:%m-%d} {o.written}/{o.limit}" for o in over)
                messages.warning(request, _("Approved, but not published: it would put the class over its daily limit "
                                            "(%(days)s minutes). The grade leader resolves it.") % {"days": days})
            else:
                messages.success(request, _("The plan is published to the class's parents."))
    except actions.Conflict:
        messages.error(request, _("Someone changed this plan after you opened it. Look at it again before you decide."))
        back = reverse("homework:plan_detail", args=[plan.pk])
    except actions.NotAllowed as e:
        messages.error(request, str(e))
    return redirect(back)


@require_POST
def plan_copy(request, pk):
    """Copy the plan to the teacher's parallel classes (same subject, same grade)."""
    user = request.user
    plan = _plan(user, pk)
    if plan.teacher_id != Scope.of(user).teacher_id:
        raise PermissionDenied
    wanted = set(request.POST.getlist("classes"))
    targets = [
        a.school_class for a in queries.own_assignments(user).filter(
            subject_id=plan.subject_id, school_class__grade=plan.school_class.grade).exclude(school_class_id=plan.school_class_id)
        if str(a.school_class_id) in wanted
    ]
    if not targets:
        messages.warning(request, _("Choose at least one class to copy to."))
        return redirect("homework:plan_detail", plan.pk)
    result = actions.copy_to_parallel(user, plan, targets)
    if result["copied"]:
        messages.success(request, _("Copied as a draft to %(classes)s.") % {
            "classes": "、".join(c.name for c in result["copied"])})
    if result["skipped"]:
        messages.warning(request, _("Not copied to %(classes)s: that plan is already in review or published.") % {
            "classes": "、".join(c.name for c in result["skipped"])})
    return redirect("homework:plan_detail", plan.pk)


# --- review and coordination ---------------------------------------------------------------------------------------
@require_GET
def review_list(request):
    user = request.user
    s = Scope.of(user)
    if not (queries.is_reviewer(user) or s.grades or s.school_ids):
        raise PermissionDenied
    visible_plans = queries.plans(user).prefetch_related("items")
    waiting = [p for p in visible_plans.filter(status=Status.SUBMITTED).order_by("week", "submitted_at")
               if queries.may_review(user, p)]
    held = [p for p in visible_plans.filter(status=Status.HELD).order_by("week") if queries.may_resolve(user, p)]
    reviewed = visible_plans.filter(reviewed_by=user).order_by("-reviewed_at")[:10]
    phrases_by_school = {}
    for plan in waiting + held:
        school = plan.school_class.school
        if school.pk not in phrases_by_school:
            phrases_by_school[school.pk] = SchoolRules(school)
        plan.warnings = _warnings(phrases_by_school[school.pk], plan.week, [i.content for i in plan.items.all()])
        plan.written_by_day = _load_rows(
            [{"class_id": 0, "date": i.date, "kind": i.kind, "layer": i.layer, "minutes": i.minutes} for i in plan.items.all()]
        )
    return _page(request, "homework/review_list.html", "review", waiting=waiting, held=held, reviewed=reviewed)


def _choose_school(user, value) -> School | None:
    schools = visible(user, School).filter(
        pk__in=queries.classes(user).values("school_id")).order_by("code")
    try:
        chosen = schools.filter(pk=int(value)).first() if value else None
    except ValueError:
        chosen = None
    return chosen or schools.first()


@require_GET
def week_totals(request):
    """Classes × days of one school (or one grade of it): written minutes posted against the limit, and what is
    still in review. The grade leader's grade × day view, the academic office's school view."""
    user = request.user
    if not queries.is_coordinator(user):
        raise PermissionDenied
    s = Scope.of(user)
    week = parse_week(request.GET.get("week"), timezone.localdate())
    school = _choose_school(user, request.GET.get("school"))
    classes = list(queries.classes(user).filter(school=school).order_by("grade", "number")) if school else []
    grades = sorted({c.grade for c in classes})
    grade = request.GET.get("grade")
    if grade is None and s.grades and school:
        grade = next((str(g) for sch, g in sorted(s.grades) if sch == school.pk), "")
    grade = int(grade) if grade and grade.isdigit() and int(grade) in grades else None
    if grade is not None:
        classes = [c for c in classes if c.grade == grade]
    days = week_days(week)
    class_ids = [c.pk for c in classes]
    posted = _load_rows(list(visible(user, PostedItem).filter(school_class_id__in=class_ids, date__in=days).values(
        "date", "kind", "layer", "minutes", class_id=F("school_class_id"))))
    week_plans = queries.plans(user).filter(school_class_id__in=class_ids, week=week)
    pending = _load_rows(_plan_items(week_plans.filter(status__in=[Status.SUBMITTED, Status.HELD])))
    rules = SchoolRules(school) if school else None
    off = rules.days_off(days) if rules else set()
    rows = []
    for c in classes:
        cells = []
        for day in days:
            written = posted.get((c.pk, day), {}).get("written", 0)
            limit = rules.written_limit(c.grade, day)
            cells.append({"date": day, "written": written, "practical": posted.get((c.pk, day), {}).get("practical", 0),
                          "limit": limit, "over": core.over_limit(written, limit),
                          "pending": pending.get((c.pk, day), {}).get("written", 0)})
        rows.append({"school_class": c, "cells": cells,
                     "weekend": sum(x["written"] for x in cells if x["date"] in off)})
    counts = defaultdict(int)
    for status in week_plans.values_list("status", flat=True):
        counts[status] += 1
    expected = TeachingAssignment.objects.filter(school_class_id__in=class_ids, term_id=s.term_id).count()
    held = [p for p in week_plans.filter(status=Status.HELD) if queries.may_resolve(user, p)]
    schools = visible(user, School).filter(pk__in=queries.classes(user).values("school_id")).order_by("code")
    return _page(
        request, "homework/week_totals.html", "totals", school=school, schools=schools, grades=grades, grade=grade,
        days=days, days_off=off, rows=rows,
        status_counts=[(label, counts.get(value, 0)) for value, label in Status.choices],
        expected=expected, filed=sum(counts.values()), held=held,
        **week_nav(week, school=school.pk if school else None, grade=grade if grade is not None else ""),
    )


@require_GET
def class_week(request, pk):
    """One class's week across subjects (the head teacher's view), its counts, families' reports and support list."""
    user = request.user
    if not queries.is_staff(user):
        raise Http404
    school_class = get_for_user(user, SchoolClass.objects.select_related("school"), pk=pk)
    week = parse_week(request.GET.get("week"), timezone.localdate())
    days = week_days(week)
    rules = SchoolRules(school_class.school)
    posted = list(visible(user, PostedItem).filter(school_class=school_class, date__in=days).select_related(
        "subject", "teacher__person"))
    load = _load_rows([{"class_id": pk, "date": i.date, "kind": i.kind, "layer": i.layer, "minutes": i.minutes}
                       for i in posted])
    subjects = {}
    for item in posted:
        subjects.setdefault(item.subject, defaultdict(list))[item.date].append(item)
    grid = [{"subject": subj, "teacher": cells[next(iter(cells))][0].teacher, "cells": [cells.get(d, []) for d in days]}
            for subj, cells in sorted(subjects.items(), key=lambda kv: kv[0].order)]
    counts = {c.date: c for c in visible(user, InSchoolCount).filter(school_class=school_class, date__in=days)}
    stored = {r.date: r for r in visible(user, ClassDayLoad).filter(school_class=school_class, date__in=days)}
    totals = []
    today = timezone.localdate()
    for day in days:
        written = load.get((pk, day), {}).get("written", 0)
        limit = rules.written_limit(school_class.grade, day)
        totals.append({"date": day, "written": written, "practical": load.get((pk, day), {}).get("practical", 0),
                       "limit": limit, "over": core.over_limit(written, limit), "count": counts.get(day),
                       "stored": stored.get(day), "countable": day <= today})
    pending = queries.plans(user).filter(school_class=school_class, week=week).exclude(status=Status.PUBLISHED)
    flags = visible(user, SupportFlag).filter(school_class=school_class, week__lte=week).select_related("student")
    latest = flags.order_by("-week").values_list("week", flat=True).first()
    size = queries.class_sizes([pk], days[0]).get(pk)
    return _page(
        request, "homework/class_week.html", "class" if pk in Scope.of(user).head_class_ids else "totals",
        school_class=school_class, days=days, grid=grid, totals=totals, pending=pending, size=size,
        may_count=pk in Scope.of(user).head_class_ids, days_off=rules.days_off(days),
        record_kind=_record_kind(user) if class_choices(user).filter(pk=pk).exists() else None,
        flags=flags.filter(week=latest).order_by("-times") if latest else [], flags_week=latest,
        support=rules.support_window(week), **week_nav(week),
    )


@require_POST
def class_count(request, pk):
    """The head teacher records how many pupils finished their written homework in school that day."""
    user = request.user
    school_class = get_for_user(user, SchoolClass.objects.select_related("school"), pk=pk)
    if pk not in Scope.of(user).head_class_ids:
        raise PermissionDenied
    day = parse_day(request.POST.get("date"), timezone.localdate())
    week = monday(day)
    size = queries.class_sizes([pk], day).get(pk)
    allowed = [d for d in week_days(week) if d <= timezone.localdate()]
    form = forms.CountForm(request.POST, students=size, days=allowed)
    if form.is_valid():
        actions.record_count(user, school_class, form.cleaned_data["date"], form.cleaned_data["finished_in_school"])
        messages.success(request, _("Recorded: %(n)d pupils finished in school on %(day)s.") % {
            "n": form.cleaned_data["finished_in_school"], "day": f"{day:%m-%d}"})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{reverse('homework:class_week', args=[pk])}?week={week.isoformat()}")


# --- the class record (班级作业记录) ------------------------------------------------------------------------------
def _record_kind(user):
    """The weekly record's report kind when the user's roles may request it (see ``report_kinds.py``)."""
    kind = get_kind(RECORD_KIND)
    return kind if kind in kinds_for(user) else None


@require_GET
def record(request, pk, format):
    """Where the class record was once downloaded: it is made on the report pipeline now, so these links open
    its request form filled in with the class, the week and the format."""
    user = request.user
    if not queries.is_staff(user):
        raise Http404
    school_class = get_for_user(user, SchoolClass, pk=pk)
    if _record_kind(user) is None:
        raise PermissionDenied
    week = parse_week(request.GET.get("week"), timezone.localdate())
    query = urlencode({"school_class": school_class.pk, "week": week.isoformat(), "format": format})
    return redirect(f"{reverse('reports:request', args=[RECORD_KIND])}?{query}")


# --- posting and families ------------------------------------------------------------------------------------------
@require_GET
def posting(request, pk, day):
    """The class's homework of one day (公示): for the class's parents and the staff who see the class."""
    user = request.user
    school_class = queries.posting_class(user, pk)
    if school_class is None:
        raise Http404
    items = list(visible(user, PostedItem).filter(school_class=school_class, date=day).select_related(
        "subject", "teacher__person"))
    load = _load_rows([{"class_id": pk, "date": i.date, "kind": i.kind, "layer": i.layer, "minutes": i.minutes}
                       for i in items]).get((pk, day), {"written": 0, "practical": 0})
    # the button to answer is shown while answers for the day are open
    children = [sid for sid, c in queries.child_classes(user).items() if c.pk == pk] if actions.feedback_open(
        school_class, day) else []
    return _page(
        request, "homework/posting.html", "today", school_class=school_class, day=day, posted=items, load=load,
        limit=SchoolRules(school_class.school).written_limit(school_class.grade, day),
        prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1),
        children=Student.objects.filter(pk__in=children).order_by("name"),
    )


def _child_day(user, student, school_class, day, form=None, rules=None) -> dict:
    answer = visible(user, Feedback).filter(student=student, date=day).first()
    open_ = actions.feedback_open(school_class, day, rules=rules)
    items = list(visible(user, PostedItem).filter(school_class=school_class, date=day).select_related(
        "subject", "teacher__person"))
    return {
        "student": student, "school_class": school_class, "day": day, "posted": items, "answer": answer,
        "open": open_, "form": form or (forms.FeedbackForm.for_answer(answer, prefix=f"s{student.pk}") if open_ else None),
    }


@require_GET
def today(request):
    """A parent's page: each child's homework of the day and the few taps to report how it went."""
    user = request.user
    s = Scope.of(user)
    if not s.child_ids:
        raise PermissionDenied
    now_day = timezone.localdate()
    day = min(parse_day(request.GET.get("day"), now_day), now_day)
    students = {st.pk: st for st in own_children(user)}
    rules = {}
    children = [_child_day(user, students[sid], c, day, rules=rules.setdefault(c.school_id, SchoolRules(c.school)))
                for sid, c in sorted(queries.child_classes(user).items()) if sid in students]
    yesterday = day - timedelta(days=1)
    return _page(request, "homework/today.html", "today", children=children, day=day, is_today=day == now_day,
                 prev_day=yesterday, next_day=day + timedelta(days=1) if day < now_day else None)


@require_http_methods(["GET", "POST"])
def feedback(request, student_id, day):
    """One child's answer for one day (GET: the form alone; POST: save it)."""
    user = request.user
    s = Scope.of(user)
    student = get_for_user(user, Student.objects.filter(pk__in=s.child_ids), pk=student_id)
    school_class = actions.class_on(student, day)
    if school_class is None:
        raise Http404
    form = None
    if request.method == "POST":
        form = forms.FeedbackForm(request.POST, prefix=f"s{student.pk}")
        if form.is_valid():
            try:
                actions.record_feedback(user, student, day, school_class=school_class, **form.cleaned_data)
            except actions.NotAllowed as e:
                messages.error(request, str(e))
            else:
                messages.success(request, _("Thank you. Your answer for %(name)s is saved.") % {"name": student.name})
                return redirect(f"{reverse('homework:today')}?day={day.isoformat()}")
    return _page(request, "homework/feedback.html", "today", child=_child_day(user, student, school_class, day, form))


# --- analysis ------------------------------------------------------------------------------------------------------
def _loads(user, week, school=None, grade=None):
    qs = visible(user, ClassDayLoad).filter(date__range=(week, week + timedelta(days=6)))
    if school is not None:
        qs = qs.filter(school=school)
    if grade is not None:
        qs = qs.filter(grade=grade)
    return qs.select_related("school_class", "school")


def _frame(loads) -> pl.DataFrame:
    """Stored class-days as a ``core.class_days`` frame, with the school and grade for grouping."""
    schema = {**core.CLASS_DAY_SCHEMA, "school_id": pl.Int64, "grade": pl.Int64}
    rows = [{**{c: getattr(r, c) for c in core.CLASS_DAY_SCHEMA if c != "class_id"}, "class_id": r.school_class_id,
             "school_id": r.school_id, "grade": r.grade} for r in loads]
    return pl.DataFrame(rows, schema=schema)


@require_GET
def analysis(request):
    """Per class and day: planned against the limit, completion in school, estimated against reported minutes;
    and the students who did not finish N times in M weeks."""
    user = request.user
    if not queries.is_staff(user):
        raise PermissionDenied
    week = parse_week(request.GET.get("week"), timezone.localdate())
    school = _choose_school(user, request.GET.get("school"))
    grade = request.GET.get("grade")
    grade = int(grade) if grade and grade.isdigit() else None
    loads = list(_loads(user, week, school, grade).order_by("grade", "school_class__number", "date")) if school else []
    frame = _frame(loads)
    per_class = {r["class_id"]: r for r in core.summarise(frame, by=["class_id"]).to_dicts()} if loads else {}
    by_class = {}
    for r in loads:
        by_class.setdefault(r.school_class, {})[r.date] = r
    rows = [{"school_class": c, "days": [days.get(d) for d in week_days(week)], "week": per_class[c.pk]}
            for c, days in by_class.items()]
    summary = core.summarise(frame).to_dicts()[0] if loads else None
    flags = visible(user, SupportFlag).filter(week=week).select_related("student", "school_class")
    if school is not None:
        flags = flags.filter(school_class__school=school)
    if grade is not None:
        flags = flags.filter(school_class__grade=grade)
    schools = visible(user, School).filter(pk__in=queries.classes(user).values("school_id")).order_by("code")
    computed = max((r.computed_at for r in loads), default=None)
    s = Scope.of(user)
    return _page(
        request, "homework/analysis.html", "analysis", school=school, schools=schools, grade=grade,
        grades=sorted({c.grade for c in queries.classes(user).filter(school=school)}) if school else [],
        rows=rows, days=week_days(week), summary=summary,
        days_off=SchoolRules(school).days_off(week_days(week)) if school else set(),
        flags=flags.order_by("school_class__grade", "school_class__number", "-times"), computed=computed,
        support=SchoolRules(school).support_window(week) if school else None,
        may_refresh=bool(school and (school.pk in s.school_ids or s.district_ids)),
        **week_nav(week, school=school.pk if school else None, grade=grade),
    )


@require_GET
def dashboard(request):
    """The district's schools (or a school's grades) for a week, and the ten classes most over their limits."""
    user = request.user
    if not queries.is_coordinator(user):
        raise PermissionDenied
    s = Scope.of(user)
    week = parse_week(request.GET.get("week"), timezone.localdate())
    loads = list(_loads(user, week))
    frame = _frame(loads)
    district = bool(s.district_ids)
    by = "school_id" if district else "grade"
    groups = core.summarise(frame, by=[by]).to_dicts() if loads else []
    names = {r.school_id: r.school.name for r in loads}
    for g in groups:
        g["label"] = names.get(g["school_id"]) if district else g["grade"]
    classes = {r.school_class_id: r for r in loads}
    top = []
    for r in core.most_over_limit(frame, n=10).to_dicts() if loads else []:
        row = classes[r["class_id"]]
        top.append({**r, "school_class": row.school_class, "school": row.school})
    chart = {"categories": [f"{t['school'].name if district else ''}{t['school_class'].name}" for t in top],
             "values": [round(t["over_minutes"]) for t in top], "unit": _("minutes over")}
    return _page(request, "homework/dashboard.html", "dashboard", district=district, groups=groups, top=top,
                 chart=chart, total=core.summarise(frame).to_dicts()[0] if loads else None, **week_nav(week))


@require_GET
def summary(request):
    """The academic office's weekly summary of a school (printable): filing, load, completion, support."""
    user = request.user
    s = Scope.of(user)
    if not (s.school_ids or s.district_ids):
        raise PermissionDenied
    week = parse_week(request.GET.get("week"), timezone.localdate())
    school = _choose_school(user, request.GET.get("school"))
    if school is None:
        raise Http404
    rules = SchoolRules(school)
    week_plans = queries.plans(user).filter(school_class__school=school, week=week)
    filed = {(p.school_class_id, p.subject_id, p.teacher_id): p for p in week_plans}
    expected = list(
        visible(user, TeachingAssignment).filter(school_class__school=school, term_id=s.term_id)
        .select_related("teacher__person", "school_class", "subject")
        .order_by("school_class__grade", "school_class__number", "subject__order")
    )
    missing = [a for a in expected if (a.school_class_id, a.subject_id, a.teacher_id) not in filed]
    counts = defaultdict(int)
    for p in week_plans:
        counts[p.status] += 1
    loads = list(_loads(user, week, school))
    frame = _frame(loads)
    by_grade = core.summarise(frame, by=["grade"]).to_dicts() if loads else []
    classes = {r.school_class_id: r.school_class for r in loads}
    top = [{**r, "school_class": classes[r["class_id"]]} for r in core.most_over_limit(frame, n=10).to_dicts()] if loads else []
    flags = visible(user, SupportFlag).filter(school_class__school=school, week=week).select_related(
        "student", "school_class").order_by("school_class__grade", "school_class__number", "-times")
    schools = visible(user, School).filter(pk__in=queries.classes(user).values("school_id")).order_by("code")
    return _page(
        request, "homework/summary.html", "summary", school=school, schools=schools, expected=len(expected),
        filed=len(filed), late=sum(p.late for p in week_plans), missing=missing,
        status_counts=[(label, counts.get(value, 0)) for value, label in Status.choices], by_grade=by_grade,
        total=core.summarise(frame).to_dicts()[0] if loads else None, top=top, flags=flags,
        support=rules.support_window(week), due=rules.due_date(week), **week_nav(week, school=school.pk),
    )


@require_POST
def refresh(request):
    """Ask for a school-week's results to be computed again."""
    user = request.user
    s = Scope.of(user)
    school = get_for_user(user, School, pk=request.POST.get("school") or 0)
    if not (school.pk in s.school_ids or s.district_ids):
        raise PermissionDenied
    week = parse_week(request.POST.get("week"), timezone.localdate())
    actions.request_analysis(school.pk, week, at_once=True)
    messages.info(request, _("The figures are being computed again; reload the page in a moment."))
    return redirect(_next_url(request, f"{reverse('homework:analysis')}?school={school.pk}&week={week.isoformat()}"))
