"""Scope cases of the report pages (format: ``tisheng/testing/scope.py``).

Each role that may request reports gets a finished report of its own (its file written under MEDIA_ROOT, so
that the download answers); every role meets a report someone else requested about a school just outside
its scope (for the bureau, in the neighbouring district). The bureau administrator also meets a report
another user requested inside the district, which it oversees. ``about`` carries a marker so that a leak
through the list is visible.
"""

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from tisheng.accounts.models import User
from tisheng.reports.models import Report
from tisheng.reports.registry import kinds_for
from tisheng.roster.models import School
from tisheng.testing.scope import Probe, targets

NO_SUCH_ID = 999_999_999
OVERVIEW, CLASS_LIST = "roster.school_overview", "roster.class_list"


def _report(user, school: School, marker: str, slug: str) -> Report:
    report = Report.objects.create(kind=OVERVIEW, parameters={"school": school.pk}, format="pdf", about=marker,
                                   requested_by=user, district=school.district, school=school,
                                   status=Report.Status.DONE, progress=100)
    name = f"reports/scope-cases/{slug}.pdf"  # the same few files on every run
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 scope case")
    Report.objects.filter(pk=report.pk).update(file=name)
    return report


def cases(world, role, user):
    t = targets(world, role)
    main = School.objects.get(code="QS01")
    outside_school = t.school_out or School.objects.exclude(district=world.district).order_by("code").first()
    someone_else = (User.objects.exclude(pk=user.pk).exclude(username__in=[u.username for u in world.logins.values()])
                    .order_by("pk").first())
    outside = _report(someone_else, outside_school, f"范围外报告-{role}", f"{role}-outside")
    kinds = {k.key for k in kinds_for(user)}
    own = _report(user, t.school_in or main, f"本人报告-{role}", f"{role}-own") if kinds else None
    district = _report(someone_else, main, f"区内他人报告-{role}", f"{role}-district") if role == "bureau_admin" else None

    present = tuple(r.about for r in (own, district) if r)
    index_status = 200 if kinds else 403

    def on_report(name: str, *, method: str = "get", own_status: int = 200) -> list[Probe]:
        probes = [
            Probe(reverse(name, args=[outside.pk]), status=404, method=method, absent=(outside.about,)),
            Probe(reverse(name, args=[NO_SUCH_ID]), status=404, method=method),
        ]
        if own:
            probes.append(Probe(reverse(name, args=[own.pk]), status=own_status, method=method))
        if district:  # seen, downloadable, but started again only by its requester
            probes.append(Probe(reverse(name, args=[district.pk]), method=method,
                                status=403 if name == "reports:run_again" else 200))
        return probes

    def form(kind: str) -> list[Probe]:
        allowed = kind in kinds
        probes = [Probe(reverse("reports:request", args=[kind]), status=200 if allowed else 403,
                        absent=(outside_school.name,) if allowed else ())]
        if kind == OVERVIEW:  # a school outside the scope is refused by the form, and not named back
            probes.append(Probe(reverse("reports:request", args=[kind]), method="post", status=200 if allowed else 403,
                                data={"school": outside_school.pk, "format": "pdf"},
                                absent=(outside_school.name,) if allowed else ()))
        if kind == CLASS_LIST and t.class_out is not None:
            probes.append(Probe(reverse("reports:request", args=[kind]), method="post", status=200 if allowed else 403,
                                data={"school_class": t.class_out.pk, "format": "pdf"}))
        return probes

    return {
        "reports:index": [Probe(reverse("reports:index"), status=index_status,
                                present=present if index_status == 200 else (), absent=(outside.about,))],
        "reports:request": [*form(OVERVIEW), *form(CLASS_LIST),
                            Probe(reverse("reports:request", args=["no.such.kind"]), status=404)],
        "reports:status": on_report("reports:status"),
        "reports:download": on_report("reports:download"),
        # a finished report cannot be run again: the list says so (302)
        "reports:run_again": on_report("reports:run_again", method="post", own_status=302),
    }
