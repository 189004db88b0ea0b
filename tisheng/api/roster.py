"""The roster through the API: schools, classes, students, teachers (R-MON-1), read through the scope layer.

Reads use ``roster.queries`` (which starts from ``visible``), details ``get_for_user``: outside the scope is
404. Left out on purpose (least privilege, R-ACC-4): ID card numbers; phone numbers are masked for anyone who
is not staff of the school, as on the pages (``roster.queries.sees_full_phone``).
"""

import re
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict, field_validator

from tisheng.accounts.scope import Scope, get_for_user
from tisheng.api import actions
from tisheng.roster import queries
from tisheng.roster.models import AcademicYear, Guardianship, SchoolClass, TeachingAssignment, class_name

router = Router(tags=["roster"])


# --- schools -----------------------------------------------------------------------------------------
class SchoolOut(Schema):
    id: int
    code: str = Field(description="学校代码 · school code")
    name: str = Field(description="校名 · school name")
    kind: str = Field(description="办学类型 · kind: primary, junior, nine_year, central, village, teaching_point")
    kind_label: str = Field(description="办学类型名称 · the kind in words")
    district: str = Field(description="所属区县 · district")
    central_school_id: int | None = Field(description="所属中心校 · the central school that runs this village school or teaching point")

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_district(obj):
        return obj.district.name


class SchoolFilter(Schema):
    q: str | None = Field(None, max_length=50, description="校名或学校代码包含 · name or code contains")
    kind: str | None = Field(None, description="办学类型 · kind")


def _schools(user):
    return queries.schools(user).select_related("district")


@router.get("/schools", response=list[SchoolOut], url_name="school_list", summary="Schools")
@paginate(PageNumberPagination)
def school_list(request, filters: Query[SchoolFilter]):
    qs = _schools(request.auth)
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q) | Q(code__icontains=filters.q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("code")


@router.get("/schools/{int:school_id}", response=SchoolOut, url_name="school_detail", summary="One school")
def school_detail(request, school_id: int):
    return get_for_user(request.auth, _schools(request.auth), pk=school_id)


# --- classes -----------------------------------------------------------------------------------------
class ClassOut(Schema):
    id: int
    school_id: int
    school: str = Field(description="学校 · school")
    academic_year: int = Field(description="学年的起始年份（2025 即 2025–2026 学年）· first year of the academic year")
    grade: int = Field(description="年级 1–9 · grade")
    number: int = Field(description="班号 · class number within the grade")
    name: str = Field(description="班级名称，如 七年级3班 · class name")

    @staticmethod
    def resolve_school(obj):
        return obj.school.name

    @staticmethod
    def resolve_academic_year(obj):
        return obj.academic_year.start_year


class ClassFilter(Schema):
    school: int | None = Field(None, description="学校编号 · school id")
    grade: int | None = Field(None, ge=1, le=9, description="年级 · grade")
    academic_year: int | None = Field(None, description="学年的起始年份，默认本学年 · academic year, the current one by default")


@router.get("/classes", response=list[ClassOut], url_name="class_list", summary="Classes of one academic year")
@paginate(PageNumberPagination)
def class_list(request, filters: Query[ClassFilter]):
    year_id = None
    if filters.academic_year:
        year_id = AcademicYear.objects.filter(start_year=filters.academic_year).values_list("id", flat=True).first()
        if year_id is None:
            return []
    qs = queries.classes(request.auth, academic_year_id=year_id)
    if filters.school:
        qs = qs.filter(school_id=filters.school)
    if filters.grade:
        qs = qs.filter(grade=filters.grade)
    return qs.order_by("school__code", "grade", "number")


@router.get("/classes/{int:class_id}", response=ClassOut, url_name="class_detail", summary="One class")
def class_detail(request, class_id: int):
    # of any academic year: last year's classes stay readable for those who may see them
    qs = SchoolClass.objects.select_related("school", "academic_year")
    return get_for_user(request.auth, qs, pk=class_id)


# --- students ----------------------------------------------------------------------------------------
class StudentOut(Schema):
    id: int
    student_no: str = Field(description="学籍号（含身份证号的部分对无权查看身份证号者隐藏）· student number, the embedded ID number masked for those who may not see ID numbers")
    name: str = Field(description="姓名 · name")
    sex: str = Field(description="性别 M 男 / F 女 · sex")
    birth_date: date | None = Field(description="出生日期 · birth date")
    school_id: int
    school: str = Field(description="学校 · school")
    class_id: int | None = Field(description="本学期所在班级编号 · class this term")
    grade: int | None = Field(description="本学期年级 · grade this term")
    class_name: str | None = Field(description="本学期班级，如 七年级3班 · class this term")
    boarding: bool = Field(description="寄宿生 · boarding pupil")
    left_behind: bool = Field(description="留守儿童 · left-behind child")
    active: bool = Field(description="在籍 · enrolled")

    @staticmethod
    def resolve_student_no(obj, context):
        return queries.shown_student_no(context["request"].auth, obj, obj.class_id)

    @staticmethod
    def resolve_school(obj):
        return obj.school.name

    @staticmethod
    def resolve_class_name(obj):
        return class_name(obj.grade, obj.class_number) if obj.grade else None


class GuardianOut(Schema):
    id: int = Field(description="监护人编号，修改电话时用 · guardian id, for changing the phone number")
    name: str = Field(description="姓名 · name")
    relation: str = Field(description="关系 father 父亲 / mother 母亲 / grandparent 祖辈 / other 其他 · relation")
    phone: str = Field(description="电话（非本校教职工看到的是部分隐藏的号码）· phone, masked unless the caller is staff of the school")


class StudentDetailOut(StudentOut):
    guardians: list[GuardianOut] = Field(description="监护人 · guardians")

    @staticmethod
    def resolve_guardians(obj, context):
        full_phone = queries.sees_full_phone(context["request"].auth, obj.school_id)
        return [
            GuardianOut(
                id=g.guardian_id,
                name=g.guardian.name,
                relation=g.relation,
                phone=g.guardian.phone if full_phone else queries.mask_phone(g.guardian.phone),
            )
            for g in Guardianship.objects.filter(student=obj).select_related("guardian").order_by("id")
        ]


class StudentFilter(Schema):
    school: int | None = Field(None, description="学校编号 · school id")
    grade: int | None = Field(None, ge=1, le=9, description="本学期年级 · grade this term")
    class_id: int | None = Field(None, alias="class", description="本学期班级编号 · class id, this term")
    q: str | None = Field(None, max_length=50, description="姓名包含或学籍号开头 · name contains or student number starts with")
    include_left: bool = Field(False, description="包括已离校（不在籍）的学生 · include pupils no longer enrolled")


@router.get("/students", response=list[StudentOut], url_name="student_list", summary="Students")
@paginate(PageNumberPagination)
def student_list(request, filters: Query[StudentFilter]):
    qs = queries.students(request.auth)
    if filters.school:
        qs = qs.filter(school_id=filters.school)
    if filters.grade:
        qs = qs.filter(grade=filters.grade)
    if filters.class_id:
        qs = qs.filter(class_id=filters.class_id)
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q) | Q(student_no__startswith=filters.q))
    if not filters.include_left:
        qs = qs.filter(active=True)
    return qs.order_by("student_no")


@router.get("/students/{int:student_id}", response=StudentDetailOut, url_name="student_detail", summary="One student")
def student_detail(request, student_id: int):
    return get_for_user(request.auth, queries.students(request.auth), pk=student_id)


PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class GuardianPhoneIn(Schema):
    model_config = ConfigDict(extra="forbid")
    guardian_id: int = Field(description="监护人编号（见学生详情）· guardian id, from the student's detail")
    phone: str = Field(description="11 位手机号或带区号的固定电话 · mobile number or landline with area code")

    @field_validator("phone")
    @classmethod
    def valid_phone(cls, value: str) -> str:
        value = value.strip().replace(" ", "")
        if not PHONE.match(value):
            raise ValueError(_("Enter an 11-digit mobile number or a landline number with its area code."))
        return value


class StudentPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    boarding: bool | None = Field(None, description="寄宿生 · boarding pupil")
    left_behind: bool | None = Field(None, description="留守儿童 · left-behind child")
    guardians: list[GuardianPhoneIn] | None = Field(None, description="要修改的监护人电话 · guardians' phone numbers to change")


def may_edit_student(user, student) -> bool:
    """School staff: the school's principal and academic office, and the head teacher of the pupil's class."""
    scope = Scope.of(user)
    return student.school_id in scope.admin_school_ids or (student.class_id in scope.head_class_ids)


@router.patch("/students/{int:student_id}", response=StudentDetailOut, url_name="student_update",
              summary="Change a student's boarding, left-behind status or guardians' phone numbers")
def student_update(request, student_id: int, payload: StudentPatch):
    user = request.auth
    student = get_for_user(user, queries.students(user), pk=student_id)
    if not may_edit_student(user, student):
        raise HttpError(403, _("Only the school's office and the class's head teacher may change a student's details."))
    phones = {g.guardian_id: g.phone for g in payload.guardians or []}
    known = set(Guardianship.objects.filter(student=student).values_list("guardian_id", flat=True))
    if unknown := sorted(set(phones) - known):
        raise HttpError(422, _("Not a guardian of this student: %(ids)s") % {"ids": ", ".join(map(str, unknown))})
    actions.update_student(student, boarding=payload.boarding, left_behind=payload.left_behind, guardian_phones=phones)
    return get_for_user(user, queries.students(user), pk=student_id)


# --- teachers ----------------------------------------------------------------------------------------
class TeacherOut(Schema):
    id: int
    staff_no: str = Field(description="工号 · staff number")
    name: str = Field(description="姓名 · name")
    school_id: int
    school: str = Field(description="学校 · school")
    subjects: list[str] = Field(description="任教学科 · subjects taught")
    title: str = Field(description="职称 · professional title")
    title_label: str = Field(description="职称名称 · title in words")
    honour: str = Field(description="骨干/学科带头人/名师 · honour: backbone, leader, famous, or empty")
    phone: str = Field(description="电话（非本校教职工看到的是部分隐藏的号码）· phone, masked unless the caller is staff of the school")
    active: bool = Field(description="在职 · in service")

    @staticmethod
    def resolve_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_school(obj):
        return obj.school.name

    @staticmethod
    def resolve_subjects(obj):
        return [s.name for s in obj.subjects.all()]

    @staticmethod
    def resolve_title_label(obj):
        return obj.get_title_display()

    @staticmethod
    def resolve_phone(obj, context):
        user = context["request"].auth
        phone = obj.person.phone
        return phone if queries.sees_full_phone(user, obj.school_id) else queries.mask_phone(phone)


class TeacherFilter(Schema):
    school: int | None = Field(None, description="学校编号 · school id")
    grade: int | None = Field(None, ge=1, le=9, description="本学期在该年级任课 · teaches in this grade this term")
    class_id: int | None = Field(None, alias="class", description="本学期在该班任课 · teaches this class this term")
    q: str | None = Field(None, max_length=50, description="姓名包含或工号开头 · name contains or staff number starts with")


@router.get("/teachers", response=list[TeacherOut], url_name="teacher_list", summary="Teachers")
@paginate(PageNumberPagination)
def teacher_list(request, filters: Query[TeacherFilter]):
    user = request.auth
    qs = queries.teachers(user)
    if filters.school:
        qs = qs.filter(school_id=filters.school)
    if filters.grade or filters.class_id:
        taught = TeachingAssignment.objects.filter(term_id=Scope.of(user).term_id)
        if filters.grade:
            taught = taught.filter(school_class__grade=filters.grade)
        if filters.class_id:
            taught = taught.filter(school_class_id=filters.class_id)
        qs = qs.filter(id__in=taught.values("teacher_id"))
    if filters.q:
        qs = qs.filter(Q(person__name__contains=filters.q) | Q(staff_no__startswith=filters.q))
    return qs.order_by("staff_no")


@router.get("/teachers/{int:teacher_id}", response=TeacherOut, url_name="teacher_detail", summary="One teacher")
def teacher_detail(request, teacher_id: int):
    return get_for_user(request.auth, queries.teachers(request.auth), pk=teacher_id)
