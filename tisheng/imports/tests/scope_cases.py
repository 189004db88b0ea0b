"""Scope cases of the import pages (format: ``tisheng/testing/scope.py``).

Each role gets two ledger entries of its own making: one for a school inside its scope and one for a school
just outside (another school of the district, or the neighbouring district for the bureau). File names carry
a marker so that a leak of the outside entry through the ledger or a page is visible.
"""

from django.urls import reverse

from tisheng.accounts.models import Role
from tisheng.imports.models import ImportBatch
from tisheng.imports.spec import all_specs
from tisheng.roster.models import School
from tisheng.testing.scope import Probe, targets

NO_SUCH_ID = 999_999_999
IMPORTERS = {Role.BUREAU_ADMIN, Role.PRINCIPAL, Role.ACADEMIC_OFFICE}  # roster imports (tisheng/roster/importers.py)
LEDGER = IMPORTERS | {Role.BUREAU_STAFF, Role.RESEARCHER, Role.HEALTH_SECTION, Role.SCHOOL_DOCTOR}


def _batch(school: School, marker: str) -> ImportBatch:
    return ImportBatch.objects.create(
        kind="roster.students", file="imports/scope-case", file_name=f"{marker}.xlsx", sha256="0" * 64,
        district=school.district, school=school, status=ImportBatch.Status.COMMITTED, total_rows=3, created=3,
    )


def cases(world, role, user):
    t = targets(world, role)
    main = School.objects.get(code="QS01")
    inside = _batch(t.school_in or main, f"范围内名单-{role}")
    outside = _batch(t.school_out or School.objects.exclude(district=world.district).first(), f"范围外名单-{role}")
    sees = role in LEDGER
    imports = role in IMPORTERS
    # the upload page opens for anyone who may import some kind from it (other apps declare kinds too)
    uploads = any(role in spec.roles for spec in all_specs() if not spec.parametrised)

    def on_batch(name: str, *, method: str = "get", inside_status: int, present=()) -> list[Probe]:
        return [
            Probe(reverse(name, args=[inside.pk]), status=inside_status, method=method,
                  present=present if inside_status == 200 else ()),
            Probe(reverse(name, args=[outside.pk]), status=404, method=method, absent=(outside.file_name,)),
            Probe(reverse(name, args=[NO_SUCH_ID]), status=404, method=method),
        ]

    return {
        "imports:index": [
            Probe(reverse("imports:index"), status=200 if sees else 403,
                  present=(inside.file_name,) if sees else (), absent=(outside.file_name,)),
        ],
        "imports:upload": [
            Probe(reverse("imports:upload"), status=200 if uploads else 403, absent=(outside.school.name,)),
        ],
        "imports:template": [
            Probe(reverse("imports:template", args=["roster.students"]), status=200 if imports else 403),
            Probe(reverse("imports:template", args=["no.such.import"]), status=404),
        ],
        "imports:detail": on_batch("imports:detail", inside_status=200 if sees else 404, present=(inside.file_name,)),
        # a finished batch: the progress bar tells htmx to reload the page
        "imports:progress": on_batch("imports:progress", inside_status=204 if sees else 404),
        # a committed batch cannot be checked or committed again: the page says so (302); no role may act on a
        # batch it does not see (404), and seeing is not importing (403)
        "imports:recheck": on_batch("imports:recheck", method="post",
                                    inside_status=302 if imports else 403 if sees else 404),
        "imports:commit": on_batch("imports:commit", method="post",
                                   inside_status=302 if imports else 403 if sees else 404),
        "imports:errors": on_batch("imports:errors", inside_status=200 if sees else 404),
    }
