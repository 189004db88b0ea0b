"""Pages of exam quality analysis: the list, one assessment (district or organiser level), a school, a class, a
student, a paper's items and knowledge points, the rows behind a number, attention lists; setting up papers,
importing scores with the column mapping, corrections; and the parent's page of levels.

Pages read stored results only (``analysis.py`` writes them). Objects come through ``get_for_user`` /
``visible``: a school, class or student outside the user's scope is a 404; a page the user's roles do not
offer is a 403.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from urllib.parse import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from tisheng.accounts.scope import Scope, get_for_user, visible
from tisheng.assessments import actions, charts, queries, uploads
from tisheng.assessments.forms import (
    AssessmentForm,
    CorrectionForm,
    KnowledgePointsForm,
    MappingForm,
    PaperForm,
    UploadForm,
    items_text,
    school_choices,
)
from tisheng.assessments.models import (
    Assessment,
    AttentionEntry,
    Item,
    ItemScore,
    ItemStat,
    KnowledgePoint,
    KpStat,
    Paper,
    PaperScore,
    ResultScope,
    ScopeStat,
    ScoreCorrection,
    Status,
    StudentResult,
)
from tisheng.assessments.parent import child_levels
from tisheng.imports.reading import FileProblem
from tisheng.imports.problems import render as render_problem
from tisheng.roster.models import School, SchoolClass, Student, Subject


def _staff(user):
    if not queries.sees_exams(user):
        raise PermissionDenied


def _assessment(request, pk) -> Assessment:
    _staff(request.user)
    return get_for_user(request.user, queries.assessments(request.user), pk=pk)


def _paper_choice(request, assessment, papers) -> Paper | None:
    """The paper a page shows (``?paper=``), None for the total of all papers. A subject-group leader sees
    only their subject's scores, so has no total to see: they get their subject's paper."""
    wanted = request.GET.get("paper")
    chosen = next((p for p in papers if str(p.pk) == wanted), None)
    if chosen is None and (default := queries.default_paper_id(request.user, assessment)):
        return next((p for p in papers if p.pk == default), None)
    return chosen


# --- list and setting up ------------------------------------------------------------------------------------
def assessment_list(request):
    _staff(request.user)
    rows = queries.assessments(request.user)
    kind, grade = request.GET.get("kind", ""), request.GET.get("grade", "")
    if kind in Assessment.Kind.values:
        rows = rows.filter(kind=kind)
    if grade.isdigit():
        rows = rows.filter(grade=int(grade))
    page = Paginator(rows.order_by("-date", "grade"), settings.TISHENG["PAGE_SIZE"]).get_page(request.GET.get("page"))
    return render(request, "assessments/list.html", {
        "page": page, "kinds": Assessment.Kind.choices, "kind": kind, "grade": grade, "grades": range(1, 10),
        "may_create": queries.may_create(request.user),
    })


@require_http_methods(["GET", "POST"])
def assessment_create(request):
    if not queries.may_create(request.user):
        raise PermissionDenied
    scope = Scope.of(request.user)
    district_wide = bool(queries.exam_district_ids(scope))
    form = AssessmentForm(request.POST or None, schools=school_choices(request.user), district_wide=district_wide)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = data["school"]
        if school is None:
            district_id = min(queries.exam_district_ids(scope))
        else:
            district_id = school.district_id
        if data["organiser"] == Assessment.Organiser.GRADE and school and not queries.may_manage(
            request.user, Assessment(organiser="grade", school=school, grade=data["grade"], district_id=district_id)
        ):
            form.add_error("grade", _("You may set up assessments of your own grade only."))
        else:
            assessment = actions.create_assessment(request.user, district_id=district_id, **data)
            messages.success(request, _("The assessment has been set up. Add its papers next."))
            return redirect("assessments:detail", pk=assessment.pk)
    return render(request, "assessments/assessment_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def paper_edit(request, pk, paper_id=None):
    assessment = _assessment(request, pk)
    if not queries.may_manage(request.user, assessment):
        raise PermissionDenied
    paper = get_for_user(request.user, queries.papers(request.user, assessment), pk=paper_id) if paper_id else None
    initial = {"subject": paper.subject_id, "full_mark": paper.full_mark, "items": items_text(paper)} if paper else {}
    form = PaperForm(request.POST or None, assessment=assessment, paper=paper, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.save_paper(request.user, assessment, data["subject"] if paper is None else paper.subject,
                           data["full_mark"], data["item_specs"], paper=paper)
        messages.success(request, _("The paper has been saved."))
        return redirect("assessments:detail", pk=assessment.pk)
    return render(request, "assessments/paper_form.html", {"form": form, "assessment": assessment, "paper": paper})


@require_http_methods(["GET", "POST"])
def import_start(request, pk):
    assessment = _assessment(request, pk)
    if not uploads.may_import(request.user, assessment):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        pending = uploads.keep(request.user, upload.read(), upload.name)
        url = reverse("assessments:import_mapping", args=[assessment.pk, pending.digest])
        return redirect(f"{url}?paper={form.cleaned_data['paper']}")
    return render(request, "assessments/import_start.html", {"form": form, "assessment": assessment})


@require_http_methods(["GET", "POST"])
def import_mapping(request, pk, digest):
    assessment = _assessment(request, pk)
    if not uploads.may_import(request.user, assessment):
        raise PermissionDenied
    pending = uploads.pending(request.user, digest)
    if pending is None:
        raise Http404
    wanted = request.GET.get("paper", "totals")
    paper = None if wanted == "totals" else get_for_user(request.user, queries.papers(request.user, assessment), pk=wanted)
    if request.method == "POST" and "continue" not in request.POST:  # another sheet of the workbook
        url = reverse("assessments:import_mapping", args=[assessment.pk, pending.digest])
        return redirect(f"{url}?{urlencode({'paper': wanted, 'sheet': request.POST.get('sheet', '')})}")
    data = pending.read(request.user)
    try:
        proposal = uploads.propose(data, assessment, paper, sheet_name=request.GET.get("sheet") or None)
    except FileProblem as problem:
        uploads.discard(request.user, pending)
        messages.error(request, render_problem(problem.key, problem.params))
        return redirect("assessments:import_start", pk=assessment.pk)
    items, papers = uploads.targets(assessment, paper)
    targets = _mapping_targets(items, papers)
    sheet = proposal.sheet
    form = MappingForm(request.POST or None, labels=sheet.labels, samples=sheet.samples, targets=targets,
                       initial_columns=proposal.columns, sheets=[s.name for s in proposal.layout.sheets if s.name],
                       sheet=sheet.name)
    if request.method == "POST" and "continue" in request.POST and form.is_valid():
        batch = uploads.start(request.user, assessment, paper, pending, proposal=proposal,
                              columns=form.cleaned_data["columns"])
        return redirect("imports:detail", pk=batch.pk)
    return render(request, "assessments/import_mapping.html", {
        "form": form, "assessment": assessment, "paper": paper, "proposal": proposal, "pending": pending,
        "sheet": sheet, "wanted": wanted,
    })


def _mapping_targets(items, papers) -> list[tuple[str, str]]:
    fixed = [("student_no", _("学籍号 (student number)")), ("name", _("Name")), ("class_name", _("Class")),
             ("status", _("Status (缺考, 免考, 作弊)"))]
    if papers:
        return fixed + [(f"subject:{pk}", _("Total of %(subject)s") % {"subject": name}) for pk, name in papers]
    return fixed + [("total", _("Total (总分)")), ("objective", _("Objective part (客观题)")),
                    ("subjective", _("Subjective part (主观题)")), ("item_label", _("Item number (one row per item)")),
                    ("score", _("Item score (one row per item)"))] + [
        (f"item:{position}", _("Item %(label)s") % {"label": label}) for position, label in items]


@require_http_methods(["GET", "POST"])
def knowledge_points(request):
    _staff(request.user)
    may_edit = bool(queries.exam_district_ids(Scope.of(request.user)))
    form = KnowledgePointsForm(request.POST or None) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            n = actions.add_knowledge_points(request.user, form.cleaned_data["subject"], form.cleaned_data["lines"])
            messages.success(request, _("%(n)s knowledge points saved.") % {"n": n})
            return redirect("assessments:knowledge_points")
    points = visible(request.user, KnowledgePoint).select_related("subject").order_by("subject__order", "code")
    return render(request, "assessments/knowledge_points.html", {"points": points, "form": form})


# --- results ------------------------------------------------------------------------------------------------
def assessment_detail(request, pk):
    assessment = _assessment(request, pk)
    papers = list(queries.papers(request.user, assessment).prefetch_related("items"))
    paper = _paper_choice(request, assessment, papers)
    stats = queries.stats(request.user, assessment).select_related("school", "paper__subject")
    overall = _by_paper(stats.filter(scope=ResultScope.ALL, subgroup=""), papers)
    schools = [_link(r, school=r.school_id, paper=paper.pk if paper else None)
               for r in stats.filter(scope=ResultScope.SCHOOL, subgroup="", paper=paper).order_by("school__code")]
    visible_schools = set(visible(request.user, School).values_list("pk", flat=True))
    counts = _score_counts(assessment, papers)
    return render(request, "assessments/detail.html", {
        "assessment": assessment, "papers": papers, "paper": paper, "overall": overall, "schools": schools,
        "visible_schools": visible_schools, "counts": counts,
        "may_manage": queries.may_manage(request.user, assessment),
        "may_import": uploads.may_import(request.user, assessment),
        "bands_chart": charts.bands(_row_for(overall, paper), None, (_("Everybody"), "")),
        "schools_chart": charts.boxplot(schools, lambda r: r.school.name) if len(schools) > 1 else None,
        "reports": _report_links(request.user),
    })


def _by_paper(rows, papers, **where) -> list[tuple[Paper | None, ScopeStat | None]]:
    """(paper, row) for every paper, then (None, the total's row); each row knows the filter of the pupils
    behind its numbers (``row.q``, see ``_rates.html``)."""
    by = {r.paper_id: r for r in rows}
    pairs = [(p, by.get(p.pk)) for p in papers] + [(None, by.get(None))]
    for p, row in pairs:
        if row is not None:
            _link(row, paper=p.pk if p else None, **where)
    return pairs


def _link(row, **params):
    """``row.q``: the query string of the pupils behind the row's numbers on the students page."""
    row.q = urlencode({k: v for k, v in params.items() if v is not None})
    return row


def _subgroup_filter(code: str) -> dict:
    """sex:M → {"sex": "M"}: the students page's filter of a subgroup row."""
    key, _sep, value = code.partition(":")
    return {key: value}


def _row_for(pairs, paper):
    return next((row for p, row in pairs if (p.pk if p else None) == (paper.pk if paper else None)), None)


def _score_counts(assessment, papers) -> dict[int, dict]:
    """Per paper: pupils with a score row, of whom sat. The import ledger has the rest."""
    from django.db.models import Count

    rows = (PaperScore.objects.filter(paper__in=papers).values("paper_id")
            .annotate(n=Count("pk"), sat=Count("pk", filter=Q(status=Status.SAT))))
    return {r["paper_id"]: r for r in rows}


def _report_links(user) -> list:
    try:
        from tisheng.reports.registry import kinds_for
    except ImportError:  # the reports app is optional here
        return []
    return [k for k in kinds_for(user) if k.key.startswith("assessments.")]


def school_result(request, pk, school_id):
    assessment = _assessment(request, pk)
    school = get_for_user(request.user, School, pk=school_id)
    stats = queries.stats(request.user, assessment).filter(school=school).select_related("school_class", "teacher__person")
    if not stats.filter(scope=ResultScope.SCHOOL).exists():
        raise Http404
    papers = list(queries.papers(request.user, assessment))
    paper = _paper_choice(request, assessment, papers)
    overall = queries.stats(request.user, assessment).filter(scope=ResultScope.ALL, subgroup="")
    mine = stats.filter(scope=ResultScope.SCHOOL, subgroup="")
    subjects = [(p, row, _row_for(_by_paper(overall, papers), p)) for p, row in _by_paper(mine, papers, school=school.pk)]
    pk_of = paper.pk if paper else None
    linkable = set(visible(request.user, SchoolClass).values_list("pk", flat=True))
    classes = [_link(r, **{"class": r.school_class_id, "paper": pk_of})
               for r in stats.filter(scope=ResultScope.CLASS, subgroup="", paper=paper).order_by("school_class__number")]
    for r in classes:  # a teacher sees the parallel classes' figures, not their pupils
        r.linkable = r.school_class_id in linkable
    subgroups = [_link(r, school=school.pk, paper=pk_of, **_subgroup_filter(r.subgroup))
                 for r in stats.filter(scope=ResultScope.SCHOOL, paper=paper).exclude(subgroup="").order_by("subgroup")]
    teachers = list(stats.filter(scope=ResultScope.TEACHER, paper=paper).select_related("teacher__person")) if paper else []
    school_row = next((r for p, r, _o in subjects if (p.pk if p else None) == (paper.pk if paper else None)), None)
    return render(request, "assessments/school.html", {
        "assessment": assessment, "school": school, "papers": papers, "paper": paper, "subjects": subjects,
        "classes": classes, "linkable": linkable, "subgroups": subgroups, "teachers": teachers,
        "school_row": school_row,
        "classes_chart": charts.boxplot(classes, lambda r: r.school_class.name) if classes else None,
        "bands_chart": charts.bands(school_row, _row_for(_by_paper(overall, papers), paper),
                                    (_("The school"), _("Everybody"))),
    })


def class_result(request, pk, class_id):
    assessment = _assessment(request, pk)
    school_class = get_for_user(request.user, SchoolClass.objects.select_related("school"), pk=class_id)
    stats = queries.stats(request.user, assessment)
    mine = stats.filter(scope=ResultScope.CLASS, school_class=school_class)
    if not mine.exists():
        raise Http404
    papers = list(queries.papers(request.user, assessment).prefetch_related("items"))
    paper = _paper_choice(request, assessment, papers)
    school_rows = stats.filter(scope=ResultScope.SCHOOL, school_id=school_class.school_id, subgroup="")
    overall = stats.filter(scope=ResultScope.ALL, subgroup="")
    subjects = [(p, row, _row_for(_by_paper(school_rows, papers), p), _row_for(_by_paper(overall, papers), p))
                for p, row in _by_paper(mine.filter(subgroup=""), papers, **{"class": school_class.pk})]
    class_row = _row_for(_by_paper(mine.filter(subgroup=""), papers), paper)
    results = queries.student_results(request.user, assessment).filter(school_class=school_class)
    students = _student_table(results, papers)
    context = {
        "assessment": assessment, "school_class": school_class, "papers": papers, "paper": paper,
        "subjects": subjects, "students": students, "class_row": class_row,
        "subgroups": [_link(r, **{"class": school_class.pk, "paper": paper.pk if paper else None},
                            **_subgroup_filter(r.subgroup))
                      for r in mine.filter(paper=paper).exclude(subgroup="").order_by("subgroup")],
        "attention": visible(request.user, AttentionEntry).filter(assessment=assessment, school_class=school_class)
        .select_related("student", "subject").order_by("group", "subject__order"),
        "bands_chart": charts.bands(class_row, _row_for(_by_paper(school_rows, papers), paper),
                                    (_("This class"), _("The school"))),
    }
    if paper is not None:
        item_rows = visible(request.user, ItemStat).filter(assessment=assessment, paper=paper).select_related("item")
        context["items_chart"] = charts.item_difficulty(
            item_rows.filter(scope=ResultScope.CLASS, school_class=school_class),
            item_rows.filter(scope=ResultScope.ALL))
        kp_rows = visible(request.user, KpStat).filter(assessment=assessment, paper=paper).select_related("knowledge_point")
        context["kp_chart"] = charts.kp_bars(kp_rows.filter(scope=ResultScope.CLASS, school_class=school_class),
                                             kp_rows.filter(scope=ResultScope.ALL))
    return render(request, "assessments/class.html", context)


def _student_table(results, papers) -> list[dict]:
    """One row per student: the total and each paper's score and level."""
    by_student: dict[int, dict] = {}
    for r in results.select_related("student").order_by("student__student_no"):
        row = by_student.setdefault(r.student_id, {"student": r.student, "school_class_id": r.school_class_id,
                                                   "cells": {}, "total": None})
        if r.paper_id is None:
            row["total"] = r
        else:
            row["cells"][r.paper_id] = r
    for row in by_student.values():
        row["per_paper"] = [row["cells"].get(p.pk) for p in papers]
    return list(by_student.values())


def student_result(request, pk, student_id):
    assessment = _assessment(request, pk)
    student = get_for_user(request.user, Student, pk=student_id)
    results = list(queries.student_results(request.user, assessment).filter(student=student)
                   .select_related("paper__subject", "school_class").order_by("paper__subject__order"))
    if not results:
        raise Http404
    papers = {r.paper_id: r.paper for r in results if r.paper_id}
    item_scores = (visible(request.user, ItemScore).filter(student=student, paper_id__in=list(papers))
                   .select_related("item").order_by("item__position"))
    by_paper: dict[int, list] = {}
    for s in item_scores:
        by_paper.setdefault(s.paper_id, []).append(s)
    points = {kp.pk: kp for kp in KnowledgePoint.objects.filter(
        pk__in={int(k) for r in results for k in r.mastery})}
    sheets = []
    for r in results:
        sheets.append({
            "result": r, "items": by_paper.get(r.paper_id, []),
            "mastery": sorted(((points[int(k)], v) for k, v in r.mastery.items() if int(k) in points), key=lambda p: p[1]),
            "weak": [points[k] for k in r.weak_points if k in points],
        })
    paper_scores = {p.paper_id: p for p in visible(request.user, PaperScore).filter(student=student, paper_id__in=list(papers))}
    may_correct = queries.may_manage(request.user, assessment)
    return render(request, "assessments/student.html", {
        "assessment": assessment, "student": student, "sheets": sheets, "paper_scores": paper_scores,
        "may_correct": may_correct,
        "attention": visible(request.user, AttentionEntry).filter(assessment=assessment, student=student)
        .select_related("subject"),
        "corrections": visible(request.user, ScoreCorrection).filter(student=student, paper_id__in=list(papers))
        .select_related("item", "by", "paper__subject"),
    })


@require_POST
def correct_score(request, pk, score_id):
    assessment = _assessment(request, pk)
    paper_score = get_for_user(request.user, PaperScore.objects.filter(paper__assessment=assessment)
                               .select_related("paper"), pk=score_id)
    if not queries.may_manage(request.user, assessment):
        raise PermissionDenied
    form = CorrectionForm(request.POST, paper=paper_score.paper)
    url = reverse("assessments:student", args=[assessment.pk, paper_score.student_id])
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(url)
    data = form.cleaned_data
    try:
        actions.correct_score(request.user, paper_score, reason=data["reason"], item=data["item"],
                              score=float(data["score"]) if data["score"] is not None else None,
                              status=data["status"] or None)
    except ValueError:
        messages.error(request, _("This correction is not possible: a pupil marked absent who did sit is "
                                  "imported again with the corrected file."))
        return redirect(url)
    messages.success(request, _("The score has been corrected; the results are being recomputed."))
    return redirect(url)


def paper_result(request, pk, paper_id):
    assessment = _assessment(request, pk)
    paper = get_for_user(request.user, queries.papers(request.user, assessment), pk=paper_id)
    school = None
    if request.GET.get("school"):
        school = get_for_user(request.user, School, pk=request.GET["school"])
    items = visible(request.user, ItemStat).filter(assessment=assessment, paper=paper).select_related("item")
    if school is not None:
        rows = list(items.filter(scope=ResultScope.SCHOOL, school=school).order_by("item__position"))
    else:
        rows = list(items.filter(scope=ResultScope.ALL).order_by("item__position"))
    overall = queries.stats(request.user, assessment).filter(scope=ResultScope.ALL, subgroup="", paper=paper).first()
    kp_rows = visible(request.user, KpStat).filter(assessment=assessment, paper=paper, scope=ResultScope.CLASS)
    if school is not None:
        kp_rows = kp_rows.filter(school=school)
    kp_rows = kp_rows.select_related("knowledge_point", "school_class__school")
    item_points = {i.pk: list(i.knowledge_points.all()) for i in Item.objects.filter(paper=paper).prefetch_related("knowledge_points")}
    return render(request, "assessments/paper.html", {
        "assessment": assessment, "paper": paper, "school": school, "rows": rows, "overall": overall,
        "item_points": item_points,
        "schools": School.objects.filter(pk__in=visible(request.user, ItemStat).filter(
            assessment=assessment, scope=ResultScope.SCHOOL).values("school_id")).order_by("code"),
        "scatter": charts.scatter(rows),
        "heatmap": charts.heatmap(kp_rows),
    })


def student_list(request, pk):
    """The pupils behind a number: ?school=&class=&paper=&band=pass|fail|excellent|low|absent&sex=&boarding=…"""
    assessment = _assessment(request, pk)
    papers = list(queries.papers(request.user, assessment))
    paper = _paper_choice(request, assessment, papers)
    results = queries.student_results(request.user, assessment).filter(paper=paper)
    where = []
    if request.GET.get("school"):
        school = get_for_user(request.user, School, pk=request.GET["school"])
        results, where = results.filter(school=school), [*where, school.name]
    if request.GET.get("class"):
        school_class = get_for_user(request.user, SchoolClass, pk=request.GET["class"])
        results, where = results.filter(school_class=school_class), [*where, school_class.name]
    full = float(paper.full_mark) if paper else sum(float(p.full_mark) for p in papers)
    lines = assessment.analysis_rules or {}
    band = request.GET.get("band", "")
    bands = {
        "sat": Q(status=Status.SAT),
        "pass": Q(status=Status.SAT, score__gte=full * lines.get("pass_line", 0.6) - 1e-6),
        "fail": Q(status=Status.SAT, score__lt=full * lines.get("pass_line", 0.6) - 1e-6),
        "excellent": Q(status=Status.SAT, score__gte=full * lines.get("excellent_line", 0.85) - 1e-6),
        "low": Q(status=Status.SAT, score__lt=full * lines.get("low_line", 0.4) - 1e-6),
        "absent": ~Q(status=Status.SAT),
    }
    if band in bands:
        results = results.filter(bands[band])
    for flag in ("boarding", "left_behind"):
        if request.GET.get(flag) in ("1", "0"):
            results = results.filter(**{f"student__{flag}": request.GET[flag] == "1"})
    if request.GET.get("sex") in ("M", "F"):
        results = results.filter(student__sex=request.GET["sex"])
    results = results.select_related("student", "school", "school_class").order_by("school__code", "school_class__number", "student__student_no")
    page = Paginator(results, settings.TISHENG["PAGE_SIZE"]).get_page(request.GET.get("page"))
    return render(request, "assessments/students.html", {
        "assessment": assessment, "paper": paper, "page": page, "band": band, "where": where,
        "query": request.GET.urlencode(),
    })


def attention_list(request, pk):
    assessment = _assessment(request, pk)
    rows = visible(request.user, AttentionEntry).filter(assessment=assessment)
    group = request.GET.get("group", "")
    if group in AttentionEntry.Group.values:
        rows = rows.filter(group=group)
    if request.GET.get("class"):
        rows = rows.filter(school_class=get_for_user(request.user, SchoolClass, pk=request.GET["class"]))
    if request.GET.get("subject"):
        rows = rows.filter(subject_id=request.GET["subject"] if request.GET["subject"].isdigit() else None)
    rows = rows.select_related("student", "subject", "school", "school_class").order_by(
        "group", "school__code", "school_class__number", "subject__order", "student__student_no")
    page = Paginator(rows, settings.TISHENG["PAGE_SIZE"]).get_page(request.GET.get("page"))
    return render(request, "assessments/attention.html", {
        "assessment": assessment, "page": page, "group": group, "groups": AttentionEntry.Group.choices,
        "subjects": Subject.objects.filter(pk__in=Paper.objects.filter(assessment=assessment).values("subject_id")),
        "subject": request.GET.get("subject", ""),
    })


# --- parents ----------------------------------------------------------------------------------------------
def child_result(request, student_id):
    """A parent's page of one child: levels per subject and the knowledge points to work on (R-FB-4), in the
    latest assessments. No score, no rank, nothing about other children (R-ACC-4)."""
    scope = Scope.of(request.user)
    if int(student_id) not in scope.child_ids:
        raise Http404
    student = get_for_user(request.user, Student, pk=student_id)
    return render(request, "assessments/child.html", {"student": student, "sittings": child_levels(request.user, student)})
