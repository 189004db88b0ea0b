"""Roster pages: lists with search, filters, pagination and Excel export; detail pages.

Every queryset comes from ``queries`` (which starts from ``visible``) or ``get_for_user``: an object outside
the user's scope is a 404. The lists and exports are for staff; a parent has the home page and the own
child's page.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views import View

from tisheng.accounts.scope import Scope, get_for_user, visible
from tisheng.dashboard.navigation import is_staff_member
from tisheng.roster import exports, filters, forms, queries
from tisheng.roster.exports import Column
from tisheng.roster.models import (
    ClassMembership,
    HeadTeacher,
    School,
    SchoolClass,
    Teacher,
    TeachingAssignment,
    class_name,
    grade_name,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def staff_only(view):
    def wrapped(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def render_list(request, template: str, context: dict) -> HttpResponse:
    """The whole page, or only its results when htmx asks for them (filtering without a reload)."""
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    response = render(request, f"{template}#results" if partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@method_decorator(staff_only, name="dispatch")
class RosterList(View):
    """A list page; with ``export=True`` (its own URL name) the same rows as an Excel file."""

    form_class: type[forms.FilterForm]
    template_name: str
    export = False
    export_title = ""  # Chinese, for the file and the audit entry

    def scoped(self, values: dict):
        raise NotImplementedError

    def apply(self, qs, values: dict):
        raise NotImplementedError

    def decorate(self, rows: list, values: dict) -> None:
        """Add per-row facts (counts, head teachers) to the rows of one page or of an export."""

    def get(self, request):
        form = self.form_class(request.GET, user=request.user)
        values = form.values()
        qs = filters.ordered(self.apply(self.scoped(values), values), form.order_by())
        if form.errors:  # a filter that cannot apply (e.g. a school outside the scope) matches nothing
            qs = qs.none()
        if self.export:
            return self.export_response(qs, form, values)
        page = Paginator(qs, settings.TISHENG["PAGE_SIZE"]).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        self.decorate(rows, values)
        context = {
            "form": form,
            "page": page,
            "rows": rows,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "single_school": "school" in form.fields and form.fields["school"].queryset.count() == 1,
            **self.extra_context(values),
        }
        return render_list(request, self.template_name, context)

    def extra_context(self, values: dict) -> dict:
        return {}

    def export_response(self, qs, form, values: dict) -> HttpResponse:
        # In Chinese whatever the interface language: class and grade names, 男/女, as schools file them.
        with translation.override("zh-hans"):
            rows = list(qs)
            self.decorate(rows, values)
            content, count = exports.workbook_bytes(self.export_title, self.columns_for(self.request.user), rows)
            exports.record_export(self.request.user, self.export_title, count, form, school=self.export_school(values))
        response = HttpResponse(content, content_type=XLSX)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{self.export_title}-{stamp}.xlsx')}"
        return response

    def export_school(self, values: dict):
        """The school an export is about: the one filtered on, or the only school the user works in."""
        if values.get("school"):
            return values["school"]
        scope = Scope.of(self.request.user)
        if not scope.is_district_wide and len(scope.member_school_ids) == 1:
            return School.objects.get(pk=next(iter(scope.member_school_ids)))
        return None

    def columns_for(self, user) -> list[Column]:
        """The export's columns, with Chinese headers; what is masked depends on the user."""
        raise NotImplementedError


# --- students ------------------------------------------------------------------------------------------
def _class_label(row) -> str:
    return class_name(row.grade, row.class_number) if row.grade else ""


class StudentList(RosterList):
    form_class = forms.StudentFilterForm
    template_name = "roster/student_list.html"
    export_title = "学生名单"

    def scoped(self, values):
        return queries.students(self.request.user)

    def apply(self, qs, values):
        return filters.filter_students(qs, values)

    def columns_for(self, user):
        def id_card(s):
            full = queries.sees_full_id_card(user, s.school_id, s.class_id, s.pk)
            return s.id_card_no if full else queries.mask_id_card(s.id_card_no)

        return [
            Column("学籍号", lambda s: queries.shown_student_no(user, s, s.class_id), 22, text=True),
            Column("姓名", lambda s: s.name, 10),
            Column("性别", lambda s: s.get_sex_display(), 6),
            Column("出生日期", lambda s: s.birth_date, 12),
            Column("身份证号", id_card, 22, text=True),
            Column("民族", lambda s: s.ethnicity, 8),
            Column("学校", lambda s: s.school.name, 24),
            Column("年级", lambda s: grade_name(s.grade) if s.grade else "", 8),
            Column("班级", _class_label, 12),
            Column("寄宿生", lambda s: s.boarding, 8),
            Column("留守儿童", lambda s: s.left_behind, 10),
            Column("在籍", lambda s: s.active, 6),
        ]


# --- classes -------------------------------------------------------------------------------------------
class ClassList(RosterList):
    form_class = forms.ClassFilterForm
    template_name = "roster/class_list.html"
    export_title = "班级名单"

    def year_id(self, values):
        year = values.get("year")
        return year.pk if year else Scope.of(self.request.user).academic_year_id

    def scoped(self, values):
        return queries.classes(self.request.user, self.year_id(values))

    def apply(self, qs, values):
        return filters.filter_classes(qs, values)

    def decorate(self, rows, values):
        year_id = self.year_id(values)
        self.is_current_year = year_id == Scope.of(self.request.user).academic_year_id
        queries.add_class_facts(self.request.user, rows, year_id)

    def extra_context(self, values):
        return {"is_current_year": getattr(self, "is_current_year", True)}

    def columns_for(self, user):
        return [
            Column("学校", lambda c: c.school.name, 24),
            Column("学年", lambda c: str(c.academic_year), 12),
            Column("年级", lambda c: grade_name(c.grade), 8),
            Column("班级", lambda c: c.name, 12),
            Column("班主任", lambda c: c.head_teacher.person.name if c.head_teacher else "", 10),
            Column("学生数", lambda c: c.student_count, 8),
        ]


# --- teachers ------------------------------------------------------------------------------------------
class TeacherList(RosterList):
    form_class = forms.TeacherFilterForm
    template_name = "roster/teacher_list.html"
    export_title = "教师名单"

    def scoped(self, values):
        return queries.teachers(self.request.user)

    def apply(self, qs, values):
        return filters.filter_teachers(qs, values)

    def columns_for(self, user):
        def phone(t):
            full = queries.sees_full_phone(user, t.school_id)
            return t.person.phone if full else queries.mask_phone(t.person.phone)

        return [
            Column("工号", lambda t: t.staff_no, 14, text=True),
            Column("姓名", lambda t: t.person.name, 10),
            Column("性别", lambda t: t.person.get_sex_display(), 6),
            Column("学校", lambda t: t.school.name, 24),
            Column("任教学科", lambda t: "、".join(s.name for s in t.subjects.all()), 18),
            Column("职称", lambda t: t.get_title_display(), 14),
            Column("荣誉", lambda t: t.get_honour_display() if t.honour else "", 12),
            Column("联系电话", phone, 14, text=True),
            Column("在职", lambda t: t.active, 6),
        ]


# --- schools -------------------------------------------------------------------------------------------
class SchoolList(RosterList):
    form_class = forms.SchoolFilterForm
    template_name = "roster/school_list.html"
    export_title = "学校名单"

    def scoped(self, values):
        return queries.schools(self.request.user)

    def apply(self, qs, values):
        return filters.filter_schools(qs, values)

    def decorate(self, rows, values):
        queries.add_school_counts(self.request.user, rows)

    def columns_for(self, user):
        return [
            Column("学校代码", lambda s: s.code, 12, text=True),
            Column("学校名称", lambda s: s.name, 26),
            Column("类型", lambda s: s.get_kind_display(), 14),
            Column("中心校", lambda s: s.central_school.name if s.central_school else "", 20),
            Column("集团", lambda s: s.group.name if s.group else "", 20),
            Column("班级数", lambda s: s.class_count, 8),
            Column("学生数", lambda s: s.student_count, 8),
            Column("教师数", lambda s: s.teacher_count, 8),
        ]


# --- detail pages --------------------------------------------------------------------------------------
def school_detail(request, pk: int):
    user = request.user
    school = get_for_user(user, queries.schools(user), pk=pk)
    queries.add_school_counts(user, [school])
    grades = queries.grade_rows(user, school)
    branches = queries.schools(user).filter(central_school=school)
    return render(request, "roster/school_detail.html", {"school": school, "grades": grades, "branches": branches})


def class_detail(request, pk: int):
    user = request.user
    school_class = get_for_user(user, SchoolClass.objects.select_related("school", "academic_year"), pk=pk)
    term = queries.term_of_year(user, school_class.academic_year_id)
    memberships = (
        visible(user, ClassMembership)
        .filter(school_class=school_class, term=term)
        .select_related("student")
        .order_by("left_on", "student__student_no")
    )
    members = [m for m in memberships if m.left_on is None]
    departed = [m for m in memberships if m.left_on is not None]
    head = HeadTeacher.objects.filter(school_class=school_class, term=term).select_related("teacher__person").first()
    assignments = (
        visible(user, TeachingAssignment)
        .filter(school_class=school_class, term=term)
        .select_related("subject", "teacher__person")
        .order_by("subject__order", "subject__code")
    )
    visible_teachers = set(
        visible(user, Teacher)
        .filter(pk__in=[a.teacher_id for a in assignments] + ([head.teacher_id] if head else []))
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "roster/class_detail.html",
        {
            "school_class": school_class,
            "term": term,
            "members": members,
            "departed": departed,
            "boys": sum(1 for m in members if m.student.sex == "M"),
            "girls": sum(1 for m in members if m.student.sex == "F"),
            "head": head,
            "assignments": assignments,
            "visible_teachers": visible_teachers,
            "school_visible": visible(user, School).filter(pk=school_class.school_id).exists(),
            "is_staff": is_staff_member(user),
            # this term's class: its numbers lead to the student list, which shows this term's classes
            "linked": is_staff_member(user) and school_class.academic_year_id == Scope.of(user).academic_year_id,
        },
    )


def student_detail(request, pk: int):
    user = request.user
    student = get_for_user(user, queries.students(user), pk=pk)
    history = (
        visible(user, ClassMembership)
        .filter(student=student, term__start_date__lte=timezone.localdate())  # not next term's classes yet
        .select_related("term__academic_year", "school_class__school")
        .order_by("term__start_date", "joined_on")
    )
    visible_classes = set(
        visible(user, SchoolClass).filter(pk__in=[m.school_class_id for m in history]).values_list("pk", flat=True)
    )
    full_phone = queries.sees_full_phone(user, student.school_id)
    # The student is in scope; the guardians are part of the student's record.
    guardians = [
        {
            "name": g.guardian.name,
            "relation": g.get_relation_display(),
            "phone": g.guardian.phone if full_phone else queries.mask_phone(g.guardian.phone),
        }
        for g in student.guardianships.select_related("guardian").order_by("relation", "pk")
    ]
    full_id = queries.sees_full_id_card(user, student.school_id, student.class_id, student.pk)
    return render(
        request,
        "roster/student_detail.html",
        {
            "student": student,
            "id_card": student.id_card_no if full_id else queries.mask_id_card(student.id_card_no),
            "history": history,
            "visible_classes": visible_classes,
            "guardians": guardians,
            "phone_masked": not full_phone,
            "school_visible": visible(user, School).filter(pk=student.school_id).exists(),
            "is_staff": is_staff_member(user),
        },
    )


def teacher_detail(request, pk: int):
    user = request.user
    teacher = get_for_user(user, queries.teachers(user), pk=pk)
    term = queries.current_term(user)
    assignments = (
        visible(user, TeachingAssignment)
        .filter(teacher=teacher, term=term)
        .select_related("subject", "school_class__school")
        .order_by("school_class__grade", "school_class__number", "subject__order")
    )
    head_of = visible(user, SchoolClass).filter(head_teachers__teacher=teacher, head_teachers__term=term)
    visible_classes = set(
        visible(user, SchoolClass).filter(pk__in=[a.school_class_id for a in assignments]).values_list("pk", flat=True)
    )
    full_phone = queries.sees_full_phone(user, teacher.school_id)
    return render(
        request,
        "roster/teacher_detail.html",
        {
            "teacher": teacher,
            "term": term,
            "assignments": assignments,
            "head_of": head_of,
            "visible_classes": visible_classes,
            "phone": teacher.person.phone if full_phone else queries.mask_phone(teacher.person.phone),
            "school_visible": visible(user, School).filter(pk=teacher.school_id).exists(),
        },
    )
