"""Login accounts, role assignments and API tokens (R-ACC-2).

A ``User`` is a login. What it may see is decided by the scope layer (``scope.py``) from three sources:
explicit ``RoleAssignment`` rows (bureau, school, grade and subject roles, each valid for a term or standing),
the roster's teaching assignments and head teachers for the current term (teachers, 班主任), and the
roster's guardianships (parents).
"""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tisheng.roster.models import District, Person, School, Subject, Term


class User(AbstractUser):
    person = models.OneToOneField(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="user", verbose_name=_("person")
    )
    # Set for accounts created in bulk with an initial password: the first login asks for a new one.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.person.name if self.person_id else (self.get_full_name() or self.username)


class Role(models.TextChoices):
    """Roles of R-ACC-2 and the width of what each sees."""

    BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")  # district; accounts, audit
    BUREAU_STAFF = "bureau_staff", _("Bureau staff")  # 局领导, 基教科, 督导室: district
    RESEARCHER = "researcher", _("Subject researcher")  # 教研员: district, optionally one subject
    HEALTH_SECTION = "health_section", _("Health and PE section")  # 体卫艺科: district
    PRINCIPAL = "principal", _("Principal")  # 校长/副校长: school (and its branch schools)
    ACADEMIC_OFFICE = "academic_office", _("Academic office")  # 教导处/教务处: school
    GRADE_LEADER = "grade_leader", _("Grade leader")  # 年级组长: a grade of a school
    SUBJECT_LEADER = "subject_leader", _("Subject-group leader")  # 教研组长/备课组长: subject (in a grade)
    SCHOOL_DOCTOR = "school_doctor", _("School doctor or PE teacher")  # health data of the school
    # Derived from the roster, never stored as RoleAssignment rows:
    HEAD_TEACHER = "head_teacher", _("Head teacher")  # 班主任
    TEACHER = "teacher", _("Subject teacher")  # 任课教师
    PARENT = "parent", _("Parent")


DISTRICT_ROLES = {Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.RESEARCHER, Role.HEALTH_SECTION}
SCHOOL_ROLES = {Role.PRINCIPAL, Role.ACADEMIC_OFFICE, Role.SCHOOL_DOCTOR}
ASSIGNABLE_ROLES = DISTRICT_ROLES | SCHOOL_ROLES | {Role.GRADE_LEADER, Role.SUBJECT_LEADER}


class RoleAssignmentQuerySet(models.QuerySet):
    def valid_in(self, term: Term | None):
        """Standing assignments (no term) and those of ``term``."""
        return self.filter(Q(term__isnull=True) | Q(term=term)) if term else self.filter(term__isnull=True)


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=[(r.value, r.label) for r in Role if r in ASSIGNABLE_ROLES])
    district = models.ForeignKey(District, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("district"))
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("school"))
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("subject"))
    # Empty: a standing assignment (bureau roles); otherwise valid for this term only.
    term = models.ForeignKey(Term, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("term"))
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                name="role_scope_complete",
                condition=(
                    # in the order of Role, not of the set: set order changes between runs and with it the migration
                    Q(role__in=[r.value for r in Role if r in DISTRICT_ROLES], district__isnull=False, school__isnull=True)
                    | Q(role__in=[r.value for r in Role if r in SCHOOL_ROLES], school__isnull=False)
                    | Q(role=Role.GRADE_LEADER.value, school__isnull=False, grade__isnull=False)
                    | Q(role=Role.SUBJECT_LEADER.value, school__isnull=False, subject__isnull=False)
                ),
            )
        ]

    def __str__(self):
        where = self.school or self.district
        return f"{self.get_role_display()} · {where}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the key is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, expires_at=None) -> tuple["ApiToken", str]:
        key = "ts_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=cls.hash_key(key), expires_at=expires_at)
        return token, key

    @classmethod
    def authenticate(cls, key: str) -> User | None:
        token = cls.objects.select_related("user").filter(key_hash=cls.hash_key(key)).first()
        if token is None or not token.user.is_active or (token.expires_at and token.expires_at < timezone.now()):
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user
