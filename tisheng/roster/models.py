"""The organisation and its people (R-ACC-1, R-MON-1).

district (区/县) → school (学校; a central school 中心校 may run village schools 村完小 and teaching points 教学点;
a school may belong to a school group 集团) → grade (年级, a number 1–9 inside a school and academic year) →
class (班级, one row per school × academic year × grade × number).

People: ``Person`` is an adult (teacher, guardian) and may or may not have a user account; ``Student`` carries
the 学籍 (student registration) facts. Class membership is per term with dates, so history is kept when a
student moves class. Teaching assignments and head teachers are per term.

Every change to these tables is kept by django-simple-history (who, when, what).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tisheng.roster.validators import validate_id_card


def bulk_history(*unindexed: str) -> HistoricalRecords:
    """Row history of a table that an import fills 100,000 rows at a time (students, their guardians and class
    memberships), where every index and check of a history row is paid 100,000 times.

    - The history copies of ``unindexed`` fields (foreign keys, the 学籍号) get no index: nothing looks history up
      by them. The audit pages filter by date, user and change type, and an object's history is found by its
      id; those keep their indexes.
    - ``history_user`` is not a database constraint (still a Django foreign key, ``SET_NULL`` on deletion): a
      history row records who acted, written by the application from the signed-in user, not a relationship
      the database must keep; the constraint cost one deferred check per history row at commit (on PostgreSQL
      400,000 of the students' import's ~1 million). The live tables keep all of theirs.
    """
    return HistoricalRecords(no_db_index=list(unindexed), user_db_constraint=False)


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class District(models.Model):
    """A district or county education bureau's area (区/县)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    city = models.CharField(_("city"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class SchoolGroup(models.Model):
    """集团化办学: a leading school with its branches (名校+分校)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="school_groups")
    name = models.CharField(_("name"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school group")
        verbose_name_plural = _("school groups")

    def __str__(self):
        return self.name


class School(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary school")
        JUNIOR = "junior", _("Junior middle school")
        NINE_YEAR = "nine_year", _("Nine-year school")
        CENTRAL = "central", _("Central school")
        VILLAGE = "village", _("Village primary school")
        TEACHING_POINT = "teaching_point", _("Teaching point")

    # Grades each kind teaches; a village school or teaching point may stop earlier, which its classes show.
    KIND_GRADES = {
        Kind.PRIMARY: range(1, 7),
        Kind.JUNIOR: range(7, 10),
        Kind.NINE_YEAR: range(1, 10),
        Kind.CENTRAL: range(1, 7),
        Kind.VILLAGE: range(1, 7),
        Kind.TEACHING_POINT: range(1, 4),
    }

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    code = models.CharField(_("school code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # A village school or teaching point is run by its central school (中心校).
    central_school = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branch_schools",
        limit_choices_to={"kind": Kind.CENTRAL},
        verbose_name=_("central school"),
    )
    group = models.ForeignKey(
        SchoolGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="schools",
        verbose_name=_("school group"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.central_school_id and self.kind not in (self.Kind.VILLAGE, self.Kind.TEACHING_POINT):
            raise ValidationError({"central_school": _("Only village schools and teaching points have a central school.")})

    @property
    def grades(self):
        return self.KIND_GRADES[self.kind]


class AcademicYear(models.Model):
    """学年, e.g. 2025–2026, starting 1 September."""

    start_year = models.PositiveSmallIntegerField(_("start year"), unique=True)

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["start_year"]

    def __str__(self):
        return f"{self.start_year}–{self.start_year + 1}"


class Term(models.Model):
    """学期: the first term runs from September, the second from February."""

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField(_("term"), choices=[(1, _("First term")), (2, _("Second term"))])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["start_date"]
        constraints = [models.UniqueConstraint(fields=["academic_year", "number"], name="term_unique_number")]

    def __str__(self):
        return f"{self.academic_year} {self.get_number_display()}"

    @classmethod
    def current(cls, on: date | None = None) -> "Term | None":
        """The term that contains ``on`` (today by default), else the latest that started before it."""
        on = on or date.today()
        return (
            cls.objects.filter(start_date__lte=on).order_by("-start_date").select_related("academic_year").first()
            or cls.objects.order_by("start_date").select_related("academic_year").first()
        )


class Subject(models.Model):
    """A school subject (学科), e.g. 语文, 数学, 英语."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class SchoolClass(models.Model):
    """A class (班级) of one school in one academic year: 七年级3班 is (grade 7, number 3)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="classes")
    grade = models.PositiveSmallIntegerField(_("grade"))
    number = models.PositiveSmallIntegerField(_("class number"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school__code", "grade", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "academic_year", "grade", "number"], name="class_unique"),
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=9), name="class_grade_1_9"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return class_name(self.grade, self.number)


GRADE_NAMES_ZH = {1: "一年级", 2: "二年级", 3: "三年级", 4: "四年级", 5: "五年级", 6: "六年级",
                  7: "七年级", 8: "八年级", 9: "九年级"}


def grade_name(grade: int) -> str:
    from django.utils.translation import get_language

    if (get_language() or "zh-hans").startswith("zh"):
        return GRADE_NAMES_ZH.get(grade, str(grade))
    return f"Grade {grade}"


def class_name(grade: int, number: int) -> str:
    from django.utils.translation import get_language

    if (get_language() or "zh-hans").startswith("zh"):
        return f"{GRADE_NAMES_ZH.get(grade, grade)}{number}班"
    return f"Grade {grade} Class {number}"


class Person(models.Model):
    """An adult: a teacher, a guardian, a bureau employee. Separate from the login account."""

    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    id_card_no = models.CharField(_("ID card number"), max_length=18, blank=True, validators=[validate_id_card])
    history = bulk_history()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self):
        return self.name


class Student(models.Model):
    """A student's registration (学籍). ``student_no`` (学籍号) is the key imports update by."""

    student_no = models.CharField(_("student number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_card_no = models.CharField(
        _("ID card number"), max_length=18, blank=True, validators=[validate_id_card]
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    # indexed by Meta.indexes (school, name), whose first column serves lookups by school alone
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students", verbose_name=_("school"),
                               db_index=False)
    boarding = models.BooleanField(_("boarding"), default=False)  # 寄宿生
    left_behind = models.BooleanField(_("left-behind child"), default=False)  # 留守儿童
    active = models.BooleanField(_("enrolled"), default=True)
    history = bulk_history("student_no", "school")

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["student_no"]
        indexes = [models.Index(fields=["school", "name"])]

    def __str__(self):
        return self.name

    def membership_on(self, term: "Term"):
        return self.memberships.filter(term=term, left_on__isnull=True).select_related("school_class").first()


class Guardianship(models.Model):
    """A guardian (监护人) of a student. A parent account sees exactly the students linked here."""

    class Relation(models.TextChoices):
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        GRANDPARENT = "grandparent", _("Grandparent")
        OTHER = "other", _("Other guardian")

    # indexed by the unique constraint (student, guardian)
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardianships", db_index=False)
    guardian = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardianships")
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    history = bulk_history("student", "guardian")

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [models.UniqueConstraint(fields=["student", "guardian"], name="guardianship_unique")]


class ClassMembership(models.Model):
    """A student in a class for (part of) a term. ``left_on`` is set when the student moves or leaves."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="memberships")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="memberships")
    # indexed by Meta.indexes (term, school_class)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="memberships", db_index=False)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = bulk_history("student", "school_class", "term")

    class Meta:
        verbose_name = _("class membership")
        verbose_name_plural = _("class memberships")
        constraints = [
            # one open membership per student and term
            models.UniqueConstraint(
                fields=["student", "term"], condition=Q(left_on__isnull=True), name="membership_one_open_per_term"
            ),
        ]
        indexes = [models.Index(fields=["term", "school_class"])]


class Teacher(models.Model):
    class Title(models.TextChoices):
        # 职称 of primary and secondary teachers since the 2015 reform
        SENIOR_PLUS = "senior_plus", _("Senior teacher, professor level")  # 正高级教师
        SENIOR = "senior", _("Senior teacher")  # 高级教师
        FIRST = "first", _("First-grade teacher")  # 一级教师
        SECOND = "second", _("Second-grade teacher")  # 二级教师
        THIRD = "third", _("Third-grade teacher")  # 三级教师
        NONE = "none", _("Not yet rated")

    class Honour(models.TextChoices):
        NONE = "", _("None")
        BACKBONE = "backbone", _("Backbone teacher")  # 骨干教师
        LEADER = "leader", _("Subject leader")  # 学科带头人
        FAMOUS = "famous", _("Famous teacher")  # 名师

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="teacher")
    staff_no = models.CharField(_("staff number"), max_length=30, unique=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="teachers", verbose_name=_("school"))
    subjects = models.ManyToManyField(Subject, related_name="teachers", verbose_name=_("subjects"), blank=True)
    title = models.CharField(_("title"), max_length=20, choices=Title.choices, default=Title.NONE)
    honour = models.CharField(_("honour"), max_length=20, choices=Honour.choices, blank=True, default="")
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[subjects])

    class Meta:
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")
        ordering = ["staff_no"]

    def __str__(self):
        return self.person.name


class TeachingAssignment(models.Model):
    """任课: a teacher teaches a subject to a class in a term."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="assignments")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="teaching_assignments")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="assignments")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="teaching_assignments")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("teaching assignment")
        verbose_name_plural = _("teaching assignments")
        constraints = [
            models.UniqueConstraint(fields=["school_class", "subject", "term", "teacher"], name="assignment_unique")
        ]


class HeadTeacher(models.Model):
    """班主任 of a class in a term."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="head_of")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="head_teachers")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="head_teachers")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("head teacher")
        verbose_name_plural = _("head teachers")
        constraints = [models.UniqueConstraint(fields=["school_class", "term"], name="one_head_teacher_per_term")]
