"""Pages of the five managements. Thin: objects come from ``queries`` (which starts from ``visible``) or
``get_for_user``, writes go through ``actions``. An object outside the user's scope is a 404; a page the role
does not use is a 403.
"""

import polars as pl
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tisheng.accounts.scope import Scope, get_for_user, visible
from tisheng.core import wellbeing as core
from tisheng.core.homework import bedtime_is_late
from tisheng.homework.models import Feedback
from tisheng.homework.queries import child_classes, parse_week, week_days
from tisheng.homework.views import week_nav
from tisheng.roster.models import School, SchoolClass, Student, Term, grade_name
from tisheng.wellbeing import actions, forms, queries
from tisheng.wellbeing.models import ActivityDay, ClassWeek, PhoneException, ReadingTitle, WakeReport
from tisheng.wellbeing.rules import WellbeingRules


# --- shared bits --------------------------------------------------------------------------------------------
def _tabs(user, current: str) -> list[dict]:
    s = Scope.of(user)
    items = []
    if queries.is_staff(user):
        items.append(("dashboard", _("Sleep and activity"), reverse("wellbeing:dashboard")))
    for class_id in sorted(s.head_class_ids)[:1]:
        items.append(("class", _("My class's sleep"), reverse("wellbeing:class_sleep", args=[class_id])))
        items.append(("activity", _("Activity in school"), reverse("wellbeing:activity", args=[class_id])))
    if queries.is_staff(user):
        items.append(("phones", _("Phones"), reverse("wellbeing:phones")))
        items.append(("reading", _("Reading list"), reverse("wellbeing:reading")))
    if s.child_ids:
        items.append(("family", _("My children"), reverse("wellbeing:family")))
    return [{"key": k, "label": label, "url": url, "active": k == current} for k, label, url in items]


def _page(request, template: str, tab: str, **context) -> HttpResponse:
    return render(request, template, {"tabs": _tabs(request.user, tab), **context})


def _hours(bedtime, wake) -> float | None:
    if bedtime is None or wake is None:
        return None
    return core.sleep_hours(bedtime.hour * 60 + bedtime.minute, wake.hour * 60 + wake.minute)


def _nights(student_ids, nights, school_class: SchoolClass, rules: WellbeingRules) -> dict:
    """(student, night) → bedtime, wake-up time, hours and whether each meets the rule (for the lists)."""
    bedtimes = {(f.student_id, f.date): f.bedtime for f in Feedback.objects.filter(
        student_id__in=student_ids, date__in=nights, bedtime__isnull=False)}
    wakes = {(w.student_id, w.night): w.wake_time for w in WakeReport.objects.filter(
        student_id__in=student_ids, night__in=nights)}
    min_hours, latest = rules.sleep_min_hours(school_class.grade), rules.latest_bedtime(school_class.grade)
    out = {}
    for key in bedtimes.keys() | wakes.keys():
        bed, wake = bedtimes.get(key), wakes.get(key)
        hours = _hours(bed, wake)
        out[key] = {"bedtime": bed, "wake": wake, "hours": hours,
                    "enough": hours is not None and hours >= min_hours,
                    "late": bedtime_is_late(bed, latest)}
    return out


# --- entry --------------------------------------------------------------------------------------------------
@require_GET
def index(request):
    user = request.user
    s = Scope.of(user)
    if queries.is_staff(user):
        return redirect("wellbeing:dashboard")
    if s.child_ids:
        return redirect("wellbeing:family")
    raise PermissionDenied


# --- families ------------------------------------------------------------------------------------------------
@require_GET
def family(request):
    """A parent's page: each child's nights (bedtime, wake-up time, hours), last night's wake-up time in one tap,
    the school's phone rule and the parent's applications, and the school's reading list."""
    user = request.user
    s = Scope.of(user)
    if not s.child_ids:
        raise PermissionDenied
    today = timezone.localdate()
    students = {st.pk: st for st in visible(user, Student).filter(pk__in=s.child_ids)}
    children = []
    for sid, school_class in sorted(child_classes(user).items()):
        if sid not in students:
            continue
        children.append(_child_card(user, students[sid], school_class, today))
    return _page(request, "wellbeing/family.html", "family", children=children, today=today)


def _child_card(user, student, school_class, today, form=None) -> dict:
    rules = WellbeingRules(school_class.school)
    nights = actions.wake_nights(rules, today)
    rows = _nights([student.pk], nights, school_class, rules)
    last = nights[0]
    answer = rows.get((student.pk, last), {}).get("wake")
    term = Term.current(today)
    return {
        "student": student, "school_class": school_class, "last_night": last,
        "form": form or forms.WakeForm(initial={"wake_time": answer.strftime("%H:%M")} if answer else None),
        "answered": answer,
        "nights": [{"night": n, **rows.get((student.pk, n), {})} for n in nights],
        "min_hours": rules.sleep_min_hours(school_class.grade), "latest": rules.latest_bedtime(school_class.grade),
        "phone_rule": queries.phone_rule_in_force(school_class.school, today),
        "phone_national": rules.phone_national(today),
        "applications": visible(user, PhoneException).filter(student=student)[:5],
        "reading": visible(user, ReadingTitle).filter(school=school_class.school, term=term,
                                                      status=ReadingTitle.Status.LISTED),
    }


@require_http_methods(["GET", "POST"])
def wake(request, student_id, night):
    """One child's wake-up time after one night (GET: the form alone; POST: save it)."""
    user = request.user
    student = get_for_user(user, Student.objects.filter(pk__in=Scope.of(user).child_ids), pk=student_id)
    form = forms.WakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_wake(user, student, night, form.cleaned_data["wake_time"])
        except actions.NotAllowed as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Thank you. The wake-up time of %(name)s is saved.") % {"name": student.name})
            return redirect("wellbeing:family")
    school_class = child_classes(user).get(student.pk)
    if school_class is None:
        raise Http404
    card = _child_card(user, student, school_class, timezone.localdate(), form=form)
    card["last_night"] = night
    return _page(request, "wellbeing/wake.html", "family", child=card)


@require_http_methods(["GET", "POST"])
def phone_request(request, student_id):
    """A parent's written application for the child to bring a phone to school."""
    user = request.user
    student = get_for_user(user, Student.objects.filter(pk__in=Scope.of(user).child_ids), pk=student_id)
    school_class = child_classes(user).get(student.pk)
    if school_class is None:
        raise Http404
    requires = WellbeingRules(school_class.school).phone_exception_requires()
    form = forms.PhoneRequestForm(request.POST or None, requires=requires)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_phone_exception(user, student, **form.cleaned_data)
        except actions.NotAllowed as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Your application is sent to the head teacher."))
            return redirect("wellbeing:family")
    rule = queries.phone_rule_in_force(school_class.school, timezone.localdate())
    return _page(request, "wellbeing/phone_request.html", "family", student=student, form=form, rule=rule)


# --- a class ----------------------------------------------------------------------------------------------------
def _class(user, pk) -> SchoolClass:
    if not queries.is_staff(user):
        raise Http404
    return get_for_user(user, SchoolClass.objects.select_related("school"), pk=pk)


@require_GET
def class_sleep(request, pk):
    """Each pupil's nights of a week and the class's compliance: for the head teacher and those above."""
    user = request.user
    school_class = _class(user, pk)
    week = parse_week(request.GET.get("week"), timezone.localdate())
    days = week_days(week)
    rules = WellbeingRules(school_class.school)
    pupils = list(visible(user, Student).filter(
        memberships__school_class=school_class, memberships__term_id=Scope.of(user).term_id,
        memberships__left_on__isnull=True).distinct().order_by("student_no"))
    rows = _nights([p.pk for p in pupils], days, school_class, rules)
    table = [{"student": p, "nights": [rows.get((p.pk, d), {}) for d in days]} for p in pupils]
    stored = visible(user, ClassWeek).filter(school_class=school_class, week=week).first()
    total = _summary([stored])
    return _page(request, "wellbeing/class_sleep.html", "class", school_class=school_class, days=days, table=table,
                 total=total, min_hours=rules.sleep_min_hours(school_class.grade),
                 latest=rules.latest_bedtime(school_class.grade),
                 may_record=queries.may_record_activity(user, school_class), **week_nav(week))


@require_http_methods(["GET", "POST"])
def activity(request, pk):
    """The week's grid of activity minutes in school, school day by school day."""
    user = request.user
    school_class = _class(user, pk)
    may = queries.may_record_activity(user, school_class)
    if request.method == "POST" and not may:
        raise PermissionDenied
    week = parse_week(request.GET.get("week") or request.POST.get("week"), timezone.localdate())
    today = timezone.localdate()
    days = [d for d in week_days(week)[:5] if d <= today]
    rows = {r.date: r for r in visible(user, ActivityDay).filter(school_class=school_class, date__in=week_days(week))}
    formset = forms.activity_formset(days, rows, request.POST if request.method == "POST" else None)
    if request.method == "POST" and formset.is_valid():
        filled = [actions.DayMinutes(f.cleaned_data["date"], f.cleaned_data.get("pe_minutes") or 0,
                                     f.cleaned_data.get("break_minutes") or 0, f.cleaned_data.get("activity_minutes") or 0)
                  for f in formset.forms if not f.is_empty]
        actions.record_activity(user, school_class, filled)
        messages.success(request, _("The week's activity is saved."))
        return redirect(f"{reverse('wellbeing:activity', args=[pk])}?week={week.isoformat()}")
    rules = WellbeingRules(school_class.school)
    grid = [{"form": f, "day": d, "stored": rows.get(d)} for f, d in zip(formset.forms, days, strict=False)]
    return _page(request, "wellbeing/activity.html", "activity", school_class=school_class, formset=formset,
                 grid=grid, may=may, min_minutes=rules.activity_min_minutes(school_class.grade),
                 break_min=rules.big_break_min_minutes(school_class.grade), **week_nav(week))


# --- dashboards ---------------------------------------------------------------------------------------------------
def _summary(stored) -> dict | None:
    stored = [r for r in stored if r is not None]
    if not stored:
        return None
    frame = pl.DataFrame([{c: getattr(r, c) for c in core.COUNTS} for r in stored])
    return core.summarise(frame).to_dicts()[0]


@require_GET
def dashboard(request):
    """Sleep and activity compliance of the week per scope: the district by school, a school by grade, a grade
    (or a teacher's classes) by class; ``?school=`` and ``?grade=`` narrow down one level. A chart each for sleep
    and activity."""
    user = request.user
    if not queries.is_staff(user):
        raise PermissionDenied
    s = Scope.of(user)
    week = parse_week(request.GET.get("week"), timezone.localdate())
    school_id, grade = (_int(request.GET.get(k)) for k in ("school", "grade"))
    stored = visible(user, ClassWeek).filter(week=week).select_related("school", "school_class")
    if school_id is not None:
        stored = stored.filter(school_id=school_id)
    if grade is not None:
        stored = stored.filter(grade=grade)
    stored = list(stored)
    if grade is not None or not (s.district_ids or s.school_ids):
        level, by = "class", "class_id"
        labels = {r.school_class_id: r.school_class.name for r in stored}
    elif school_id is not None or not s.district_ids:
        level, by = "grade", "grade"
        labels = {r.grade: grade_name(r.grade) for r in stored}
    else:
        level, by = "school", "school_id"
        labels = {r.school_id: r.school.name for r in stored}
    rows = [{**{c: getattr(r, c) for c in core.COUNTS}, "school_id": r.school_id, "grade": r.grade,
             "class_id": r.school_class_id} for r in stored]
    groups = core.summarise(pl.DataFrame(rows), by=[by]).to_dicts() if rows else []
    for g in groups:
        g["label"], g["key"] = labels[g[by]], g[by]
    chart = {
        "categories": [g["label"] for g in groups],
        "sleep": [_percent(g["sleep_rate"]) for g in groups],
        "bedtime": [_percent(g["bedtime_rate"]) for g in groups],
        "pe": [_percent(g["pe_rate"]) for g in groups],
        "labels": {"sleep": _("nights with enough sleep"), "bedtime": _("bedtimes in time"),
                   "pe": _("days with an hour of activity"), "unit": "%"},
    }
    schools = {r.school_id: r.school for r in stored}
    return _page(request, "wellbeing/dashboard.html", "dashboard", level=level, groups=groups, chart=chart,
                 total=_summary(stored), school_id=school_id, grade=grade,
                 recordable=queries.recordable_classes(user) if not s.district_ids else [],
                 narrowed=schools.get(school_id) if school_id is not None else None,
                 **week_nav(week, school=school_id, grade=grade))


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _percent(rate) -> int | None:
    return None if rate is None else round(rate * 100)


# --- phones --------------------------------------------------------------------------------------------------------
def _choose_school(user, value) -> School | None:
    """The school asked for in the query (within the scope), or the user's first."""
    schools = visible(user, School).order_by("code")
    if value:
        return schools.filter(pk=value).first() if str(value).isdigit() else None
    return schools.first()


@require_http_methods(["GET", "POST"])
def phones(request):
    """The school's phone rule (with a form to set a new version for the school's leaders) and the parents'
    applications per class."""
    user = request.user
    if not queries.is_staff(user):
        raise PermissionDenied
    school = _choose_school(user, request.POST.get("school") or request.GET.get("school"))
    if school is None:
        raise Http404
    may_set = queries.may_set_phone_rule(user, school)
    form = forms.PhoneRuleForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied
        if form.is_valid():
            actions.set_phone_rule(user, school, **form.cleaned_data)
            messages.success(request, _("The school's phone rule is saved."))
            return redirect(f"{reverse('wellbeing:phones')}?school={school.pk}")
    today = timezone.localdate()
    rule = queries.phone_rule_in_force(school, today)
    applications = list(visible(user, PhoneException).filter(school_class__school=school).select_related(
        "student", "school_class").order_by("school_class__grade", "school_class__number", "-requested_at"))
    by_class = {}
    for a in applications:
        by_class.setdefault(a.school_class, []).append(a)
    return _page(request, "wellbeing/phones.html", "phones", school=school, rule=rule, form=form, may_set=may_set,
                 national=WellbeingRules(school).phone_national(today), by_class=by_class,
                 decidable={a.pk for a in applications if a.status == PhoneException.Status.PENDING
                            and queries.may_decide_phone(user, a)},
                 decision_form=forms.DecisionForm(), schools=_schools_menu(user))


def _schools_menu(user):
    schools = visible(user, School).order_by("code")
    return schools if schools.count() > 1 else []


@require_POST
def phone_decide(request, pk):
    user = request.user
    exception = get_for_user(user, PhoneException.objects.select_related("school_class__school", "student"), pk=pk)
    if not queries.may_decide_phone(user, exception):
        raise PermissionDenied
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            actions.decide_phone_exception(user, exception, approve=form.cleaned_data["decision"] == "approve",
                                           note=form.cleaned_data["note"])
        except actions.NotAllowed as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("The decision is saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{reverse('wellbeing:phones')}?school={exception.school_class.school_id}")


# --- reading materials ---------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def reading(request):
    """The titles of the term by state, and the proposal form (初选)."""
    user = request.user
    if not queries.is_staff(user):
        raise PermissionDenied
    schools = queries.proposing_schools(user)
    form = forms.TitleForm(request.POST or None, schools=schools)
    term = Term.current()
    if request.method == "POST":
        if not schools.exists():
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                actions.propose_title(user, data.pop("school"), term, **data)
            except actions.NotAllowed as e:
                form.add_error("title", str(e))
            else:
                messages.success(request, _("The title is proposed."))
                return redirect("wellbeing:reading")
    titles = list(visible(user, ReadingTitle).filter(term=term).select_related("school").order_by(
        "school__code", "status", "title"))
    for t in titles:
        t.next = actions.next_step(t)
    return _page(request, "wellbeing/reading.html", "reading", titles=titles, form=form if schools.exists() else None,
                 term=term, procedure=WellbeingRules(titles[0].school).reading_procedure() if titles else None)


@require_GET
def reading_detail(request, pk):
    user = request.user
    item = get_for_user(user, ReadingTitle.objects.select_related("school"), pk=pk)
    if not queries.is_staff(user):
        raise Http404
    step = actions.next_step(item)
    may = step is not None and queries.may_decide_step(user, item, step[1])
    return _page(request, "wellbeing/reading_detail.html", "reading", item=item, step=step, may=may,
                 decisions=item.decisions.select_related("decided_by"), form=forms.StepForm() if may else None,
                 procedure=WellbeingRules(item.school).reading_procedure())


@require_POST
def reading_decide(request, pk):
    user = request.user
    item = get_for_user(user, ReadingTitle.objects.select_related("school"), pk=pk)
    if not queries.is_staff(user):
        raise Http404
    step = actions.next_step(item)
    if step is None or not queries.may_decide_step(user, item, step[1]):
        raise PermissionDenied
    form = forms.StepForm(request.POST)
    if form.is_valid():
        actions.decide_title(user, item, passed=form.cleaned_data["decision"] == "pass",
                             reason=form.cleaned_data["reason"])
        messages.success(request, _("The decision is saved."))
        return redirect("wellbeing:reading_detail", pk=pk)
    return _page(request, "wellbeing/reading_detail.html", "reading", item=item, step=step, may=True,
                 decisions=item.decisions.select_related("decided_by"), form=form,
                 procedure=WellbeingRules(item.school).reading_procedure())
