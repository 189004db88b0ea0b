"""Scoped reads of the ledger, and who may import what where."""

from django.db.models import Q, QuerySet

from tisheng.accounts.models import DISTRICT_ROLES, Role, RoleAssignment
from tisheng.accounts.scope import NOTHING, Scope, scope_rule, visible
from tisheng.imports.models import ImportBatch
from tisheng.imports.spec import ImportSpec, all_specs
from tisheng.roster.models import School, Term


@scope_rule(ImportBatch)
def _batch_rule(s: Scope) -> Q:
    q = NOTHING
    if s.district_ids:
        q |= Q(district_id__in=s.district_ids)
    if s.school_ids:
        q |= Q(school_id__in=s.school_ids)
    if s.user_id:
        q |= Q(uploaded_by_id=s.user_id)
    return q


def _grants(user, spec: ImportSpec) -> tuple[set[int], set[int]]:
    """The districts and schools where ``user`` holds one of the roles that may import ``spec``."""
    districts, schools = set(), set()
    scope = Scope.of(user)
    if not user.is_authenticated or not spec.roles & scope.roles:
        # Most users (parents above all) hold none of the roles: no queries. The menu asks on every page.
        return districts, schools
    assignments = RoleAssignment.objects.valid_in(Term.current()).filter(user=user, role__in=spec.roles)
    for role, district_id, school_id in assignments.values_list("role", "district_id", "school_id"):
        if role in DISTRICT_ROLES:
            districts.add(district_id)
        elif school_id:
            schools.add(school_id)
    if scope.teacher_id and spec.roles & scope.roles & {Role.TEACHER, Role.HEAD_TEACHER}:
        schools |= scope.member_school_ids
    return districts, schools


def importable_schools(user, spec: ImportSpec) -> QuerySet[School]:
    """The schools ``user`` may import ``spec`` into: the district's for a bureau role, else the user's own
    (a central school's leaders also import for its village schools and teaching points)."""
    districts, schools = _grants(user, spec)
    if not districts and not schools:
        return School.objects.none()
    where = Q(district_id__in=districts) | Q(pk__in=schools) | Q(central_school_id__in=schools)
    return visible(user, School).filter(where).order_by("code")


def imports_district_wide(user, spec: ImportSpec) -> bool:
    """May upload one file for many schools (the file's 学校 column says which)."""
    return bool(_grants(user, spec)[0])


def usable_specs(user) -> list[ImportSpec]:
    return [spec for spec in all_specs() if importable_schools(user, spec).exists()]


def uploadable_specs(user) -> list[ImportSpec]:
    """The kinds the generic upload page offers: not those that start on their domain's page (parametrised)."""
    return [spec for spec in usable_specs(user) if not spec.parametrised]


def may_see_ledger(user) -> bool:
    scope = Scope.of(user)
    return bool(scope.district_ids or scope.school_ids or usable_specs(user))


def batches(user) -> QuerySet[ImportBatch]:
    return visible(user, ImportBatch).select_related("uploaded_by__person", "school", "term__academic_year")


def may_commit(user, batch: ImportBatch) -> bool:
    spec = batch.spec
    if spec is None:
        return False
    if batch.school_id:
        return importable_schools(user, spec).filter(pk=batch.school_id).exists()
    return batch.district_id in _grants(user, spec)[0]
