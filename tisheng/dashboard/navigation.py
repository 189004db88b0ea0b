"""What the shell shows about the signed-in user: the menu for their roles and a line saying where they work.

Only navigation: the pages behind the links check the scope themselves (``visible``/``get_for_user``).
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tisheng.accounts.models import DISTRICT_ROLES, SCHOOL_ROLES, Role
from tisheng.accounts.scope import Scope, visible
from tisheng.assessments.queries import sees_exams
from tisheng.health.models import FitnessTest, VisionScreening
from tisheng.imports.queries import may_see_ledger
from tisheng.reports.registry import kinds_for
from tisheng.roster.models import HeadTeacher, SchoolClass, TeachingAssignment, grade_name
from tisheng.roster.queries import own_children

# Roles that may take data out of the roster pages and see the staff menus; a parent has neither.
STAFF_ROLES = frozenset(Role) - {Role.PARENT}
# The audit trail is for the bureau's administrators (R-ASR-3).
AUDIT_ROLES = frozenset({Role.BUREAU_ADMIN})


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    active: bool = False


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def list_sep() -> str:
    """顿号 between the items of a list in Chinese, a comma in English."""
    return "、" if _chinese() else ", "


def subject_label(subject) -> str:
    """A subject's name in the interface language (the roster keeps an English name beside the Chinese)."""
    return subject.name if _chinese() or not subject.name_en else subject.name_en


def is_staff_member(user) -> bool:
    """Anyone with a role other than parent: the roster lists and exports are theirs."""
    return Scope.of(user).has_role(*STAFF_ROLES)


def can_view_audit(user) -> bool:
    return Scope.of(user).has_role(*AUDIT_ROLES)


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page another app has not published yet
        return None


def nav_items(user, path: str = "") -> list[NavItem]:
    """The menu, in a fixed order, for the union of the user's roles; the entry ``path`` belongs to is active."""
    scope = Scope.of(user)
    if scope.user_id is None:
        return []
    staff = scope.has_role(*STAFF_ROLES)
    items: list[tuple[str, str, str | None]] = [
        ("home", _("Home") if staff else _("My children"), _url("dashboard:home")),
    ]
    wide = scope.is_district_wide or len(scope.school_ids) > 1
    if scope.school_ids and not wide:
        items.append(("school", _("My school"), _url("roster:school_detail", next(iter(scope.school_ids)))))
    elif wide:
        items.append(("schools", _("Schools"), _url("roster:school_list")))
    if wide or scope.school_ids or scope.grades or scope.subject_grades:
        items.append(("classes", _("Classes"), _url("roster:class_list")))
    if len(scope.head_class_ids) == 1:
        items.append(("my_class", _("My class"), _url("roster:class_detail", next(iter(scope.head_class_ids)))))
    only_own_class = len(scope.head_class_ids) == 1 and scope.class_ids == scope.head_class_ids
    if scope.class_ids and not only_own_class and not any(key == "classes" for key, _label, _u in items):
        items.append(("classes", _("My classes"), _url("roster:class_list")))
    if staff:
        items.append(("students", _("Students"), _url("roster:student_list")))
    if wide or scope.school_ids or scope.grades or scope.subject_grades:
        items.append(("teachers", _("Teachers"), _url("roster:teacher_list")))
    if staff or scope.child_ids:  # homework plans, review, postings and families' answers (R-MON-3)
        items.append(("homework", _("Homework"), _url("homework:index")))
        # sleep, activity, phones and reading: the five managements (R-MON-4)
        items.append(("wellbeing", _("Five managements"), _url("wellbeing:index")))
    if sees_exams(user):  # exam quality analysis (R-ASM-1)
        items.append(("exams", _("Exams"), _url("assessments:list")))
        items.append(("value_added", _("Value-added"), _url("evaluation:index")))  # 增值评价 (issue 6)
    from tisheng.evaluation.parent import parent_growth_child  # imports this module's subject_label

    if scope.child_ids and (child := parent_growth_child(user)) is not None:  # only where the rules allow it
        items.append(("growth", _("Growth"), _url("evaluation:child", child)))
    # fitness tests by the 2014 standard (R-MON-4), vision screenings (R-MON-5); the dashboards are linked there
    if scope.child_ids or visible(user, FitnessTest).exists() or visible(user, VisionScreening).exists():
        items.append(("health", pgettext("menu", "Health"), _url("health:overview")))  # 体质健康: short for the menu
    if wide or scope.school_ids or scope.grades or scope.subject_grades:  # the rules in force (R-ASR-1)
        items.append(("rules", _("Rules"), _url("rulesets:rule_list")))
    if may_see_ledger(user):
        items.append(("imports", _("Import"), _url("imports:index")))
    if kinds_for(user):
        items.append(("reports", _("Reports"), _url("reports:index")))
    if scope.admin_district_ids or scope.admin_school_ids:
        items.append(("accounts", _("Accounts"), _url("accounts:user_list")))
    if scope.has_role(*AUDIT_ROLES):
        items.append(("audit", _("Audit"), _url("audit:event_list")))
    items = [(key, label, url) for key, label, url in items if url]
    # The longest link that the path starts with wins: /roster/classes/12/ is "My class", not "Classes".
    matches = [url for _key, _label, url in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    return [NavItem(key, label, url, url == current) for key, label, url in items]


def role_lines(user) -> list[str]:
    """One line per role with where it applies, widest first: "城关一中 · 班主任 七年级3班"."""
    scope = Scope.of(user)
    if scope.user_id is None:
        return []
    cached = getattr(user, "_tisheng_role_lines", None)
    if cached is not None:
        return cached
    lines: list[tuple[int, str]] = []
    order = {role: i for i, role in enumerate(Role)}
    for ra in scope.assignments:
        label = Role(ra.role).label
        if ra.role in DISTRICT_ROLES:
            where = ra.district.name
        elif ra.role in SCHOOL_ROLES:
            where = ra.school.name
        elif ra.role == Role.GRADE_LEADER:
            where, label = ra.school.name, f"{label} {grade_name(ra.grade)}"
        else:
            detail = " ".join(filter(None, [subject_label(ra.subject) if ra.subject else "", grade_name(ra.grade) if ra.grade else ""]))
            where, label = ra.school.name, f"{label} {detail}".strip()
        lines.append((order[Role(ra.role)], f"{where} · {label}"))
    if scope.teacher_id and scope.term_id:
        heads = HeadTeacher.objects.filter(teacher_id=scope.teacher_id, term_id=scope.term_id).select_related(
            "school_class__school"
        )
        for head in heads:
            cls = head.school_class
            lines.append((order[Role.HEAD_TEACHER], f"{cls.school.name} · {Role.HEAD_TEACHER.label} {cls.name}"))
        taught = (  # other than the own class, which the head-teacher line names already
            SchoolClass.objects.filter(
                id__in=TeachingAssignment.objects.filter(teacher_id=scope.teacher_id, term_id=scope.term_id).values(
                    "school_class_id"
                )
            )
            .exclude(id__in=scope.head_class_ids)
            .select_related("school")
            .order_by("grade", "number")
        )
        if taught:
            names = list_sep().join(c.name for c in taught[:3]) + ("…" if len(taught) > 3 else "")
            lines.append((order[Role.TEACHER], f"{taught[0].school.name} · {Role.TEACHER.label} {names}"))
    if scope.child_ids:
        names = list_sep().join(child.name for child in own_children(user))
        lines.append((order[Role.PARENT], f"{Role.PARENT.label} · {names}"))
    result = [line for _i, line in sorted(lines, key=lambda pair: pair[0])]
    user._tisheng_role_lines = result
    return result
