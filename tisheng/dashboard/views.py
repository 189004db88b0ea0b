from django.shortcuts import render

from tisheng.accounts.scope import Scope
from tisheng.dashboard import queries
from tisheng.dashboard.navigation import is_staff_member, role_lines
from tisheng.roster import queries as roster


def home(request):
    """The home page of each role: the counts of its scope, each a link to the list behind it, the breakdown
    one level down (schools, grades, classes or the own class), the chart, and a parent's children."""
    user = request.user
    scope = Scope.of(user)
    staff = is_staff_member(user)
    wide = scope.is_district_wide or len(scope.school_ids) > 1
    context = {
        "staff": staff,
        "wide": wide,
        "term": roster.current_term(user),
        "role_lines": role_lines(user),
        "children": queries.children(user),
    }
    if staff:
        context["counts"] = queries.counts(user)
        context["chart"] = queries.grade_sex_chart(user)
        context["show_teachers"] = bool(wide or scope.school_ids or scope.grades or scope.subject_grades or scope.head_class_ids)
        # a head teacher of one class only: "1 class" says nothing
        context["show_classes"] = not (len(scope.head_class_ids) == 1 and scope.class_ids == scope.head_class_ids
                                       and not (wide or scope.school_ids or scope.grades or scope.subject_grades))
        if wide:
            schools = list(roster.schools(user).order_by("code"))
            roster.add_school_counts(user, schools)
            context["schools"] = schools
        elif scope.school_ids:
            school = roster.schools(user).filter(pk__in=scope.school_ids).first()
            context["school"] = school
            context["grades"] = roster.grade_rows(user, school)
        elif scope.grades or scope.subject_grades:
            classes = list(roster.classes(user).order_by("school__code", "grade", "number"))
            roster.add_class_facts(user, classes, scope.academic_year_id)
            context["grade_classes"] = classes
        context["head_classes"] = queries.head_classes(user)
        context["taught_classes"] = queries.taught_classes(user)
    return render(request, "dashboard/home.html", context)
