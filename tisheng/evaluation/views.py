"""Pages of value-added and growth (增值评价): the assessments with results, one assessment's caterpillar charts
and tables (schools and classes, per subject), a class's growth (the teacher's view), and a parent's page of
the child's growth percentiles where the rule set allows it.

Pages read the stored results (``services.py`` writes them, in the task) through the scope rules of
``queries.py``; objects outside the scope answer 404, pages a role does not use 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from tisheng.accounts.scope import Scope, get_for_user, visible
from tisheng.assessments.queries import assessments, only_subjects, sees_exams
from tisheng.evaluation import charts, parent, queries
from tisheng.evaluation.models import GroupLevel, Measure, ValueAddedJob, ValueAddedRun
from tisheng.evaluation.present import described, rows_for_table
from tisheng.roster.models import SchoolClass, Student


def _staff(user):
    if not sees_exams(user):
        raise PermissionDenied


def _run_choice(request, runs: list[ValueAddedRun]) -> ValueAddedRun | None:
    """The subject a page shows (``?subject=``); else the first computed one (a subject-group leader's own)."""
    wanted = request.GET.get("subject")
    if wanted:
        chosen = next((r for r in runs if str(r.subject_id) == wanted), None)
        if chosen is None:
            raise Http404
        return chosen
    own = only_subjects(request.user)
    preferred = [r for r in runs if r.state == ValueAddedRun.State.DONE and (not own or r.subject_id in own)]
    return (preferred or runs or [None])[0]


def index(request):
    """The assessments in scope whose value-added has been computed or is under way, newest first."""
    _staff(request.user)
    jobs = (visible(request.user, ValueAddedJob).filter(assessment__in=assessments(request.user))
            .select_related("assessment__term__academic_year").order_by("-assessment__date", "assessment__grade"))
    done = {}
    for run in visible(request.user, ValueAddedRun).filter(assessment_id__in=jobs.values("assessment_id"),
                                                           state=ValueAddedRun.State.DONE).select_related("subject"):
        done.setdefault(run.assessment_id, []).append(run.subject)
    rows = [{"job": job, "subjects": sorted(done.get(job.assessment_id, []), key=lambda s: (s.order, s.code))}
            for job in jobs]
    return render(request, "evaluation/index.html", {"rows": rows})


def assessment_page(request, pk):
    """One assessment and subject: schools and classes with their value-added and 95 % interval, sorted, as a
    caterpillar chart and a table; groups too small to judge are named apart, not ranked."""
    _staff(request.user)
    assessment = get_for_user(request.user, assessments(request.user), pk=pk)
    runs = list(queries.runs(request.user, assessment))
    run = _run_choice(request, runs)
    job = ValueAddedJob.objects.filter(assessment=assessment).first()
    context = {"assessment": assessment, "runs": runs, "run": run, "job": job}
    if run is not None and run.state == ValueAddedRun.State.DONE:
        va = queries.groups(request.user, run)
        sgp = queries.groups(request.user, run, Measure.MEDIAN_SGP)
        for level in GroupLevel:
            va_rows = rows_for_table(run, va.filter(level=level), Measure.VALUE_ADDED)
            context[f"{level}_rows"] = va_rows
            context[f"{level}_chart"] = charts.caterpillar(run, va_rows, level)
            context[f"{level}_sgp_rows"] = rows_for_table(run, sgp.filter(level=level), Measure.MEDIAN_SGP)
        context["model"] = described(run)
    return render(request, "evaluation/assessment.html", context)


def class_page(request, pk, class_id):
    """The teacher's view of a class: its value-added and median growth percentile with their intervals, and
    each pupil's growth percentile with the range of typical growth."""
    _staff(request.user)
    assessment = get_for_user(request.user, assessments(request.user), pk=pk)
    school_class = get_for_user(request.user, SchoolClass.objects.select_related("school"), pk=class_id)
    runs = list(queries.runs(request.user, assessment))
    run = _run_choice(request, runs)
    if run is None:
        raise Http404
    groups = queries.groups(request.user, run).filter(school_class=school_class)
    pupils = queries.students(request.user, run).filter(school_class=school_class).order_by("student__student_no")
    if not groups.exists() and not pupils.exists():
        raise Http404
    sgp = queries.groups(request.user, run, Measure.MEDIAN_SGP).filter(school_class=school_class)
    context = {
        "assessment": assessment, "school_class": school_class, "runs": runs, "run": run,
        "va_rows": rows_for_table(run, groups, Measure.VALUE_ADDED),
        "sgp_rows": rows_for_table(run, sgp, Measure.MEDIAN_SGP),
        "pupils": list(pupils), "model": described(run),
        "sgp_chart": charts.sgp_histogram(pupils),
    }
    return render(request, "evaluation/class.html", context)


def child_page(request, student_id):
    """A parent's page: the child's growth percentile per subject — only where the rule set allows it
    (``exam.value_added.parents.sgp``, default: not), and never a rank or another child's figure (R-ACC-4)."""
    if int(student_id) not in Scope.of(request.user).child_ids:
        raise Http404
    student = get_for_user(request.user, Student, pk=student_id)
    if not parent.allowed(student):
        raise Http404
    return render(request, "evaluation/child.html",
                  {"student": student, "sittings": parent.child_growth(request.user, student)})
