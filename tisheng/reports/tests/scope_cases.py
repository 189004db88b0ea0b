"""Scope cases of the report pages (format: ``tisheng/testing/scope.py``).

Each role that may request reports gets a finished report of its own (its file written under MEDIA_ROOT, so
that the download answers); every role meets a report someone else requested about a school just outside
its scope (for the bureau, in the neighbouring district). The bureau administrator also meets a report
another user requested inside the district, which it oversees. ``about`` carries a marker so that a leak
through the list is visible.

Word templates are managed by the principal and the academic office (their school) and the bureau
administrator (the district): each of them meets its own uploaded template and one of a school outside its
scope (a 404, the file name not shown); every other role is refused the page (403).
"""

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from tisheng.accounts.models import User
from tisheng.reports.models import Report, WordTemplate
from tisheng.reports.registry import kinds_for
from tisheng.roster.models import School
from tisheng.testing.scope import Probe, targets

NO_SUCH_ID = 999_999_999
OVERVIEW, CLASS_LIST = "roster.school_overview", "roster.class_list"
TEMPLATE_MANAGERS = {"bureau_admin", "principal", "academic_office"}


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


def _word_template(user, school: School | None, district, marker: str, slug: str, kind: str = OVERVIEW) -> WordTemplate:
    name = f"report-templates/scope-cases/{slug}.docx"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK scope case")  # only downloaded, never rendered
    # one per place: the roles sharing a school (or the outside school) share its row when collected together
    template, _ = WordTemplate.objects.update_or_create(
        kind=kind, district=district, school=school,
        defaults={"file": name, "original_name": marker, "uploaded_by": user},
    )
    return template


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

    manager = role in TEMPLATE_MANAGERS
    outside_template = _word_template(someone_else, outside_school, outside_school.district, "范围外模板.docx", "outside")
    own_place = world.district if role == "bureau_admin" else (t.school_in or main)
    own_template = own_to_remove = None
    if manager:  # two of its own: one to download, one (of another kind) to remove, whatever the probes' order
        own_school = None if role == "bureau_admin" else own_place
        own_template = _word_template(user, own_school, world.district, f"本校模板-{role}.docx", f"{role}-own")
        own_to_remove = _word_template(user, own_school, world.district, f"待删模板-{role}.docx", f"{role}-remove",
                                       kind=CLASS_LIST)
    own_key = f"d{own_place.pk}" if role == "bureau_admin" else f"s{own_place.pk}"
    page_status = 200 if manager else 403

    def on_template(name: str, own: WordTemplate | None, *, method: str = "get", own_status: int = 200) -> list[Probe]:
        probes = [Probe(reverse(name, args=[outside_template.pk]), status=404, method=method),
                  Probe(reverse(name, args=[NO_SUCH_ID]), status=404, method=method)]
        if own:
            probes.append(Probe(reverse(name, args=[own.pk]), status=own_status, method=method))
        return probes

    templates = {
        "reports:word_templates": [Probe(reverse("reports:word_templates"), status=page_status,
                                         present=(own_template.original_name,) if own_template else (),
                                         absent=(outside_template.original_name, outside_school.name))],
        "reports:shipped_template": [Probe(reverse("reports:shipped_template", args=[OVERVIEW]), status=page_status),
                                     Probe(reverse("reports:shipped_template", args=["no.such.kind"]),
                                           status=404 if manager else 403)],
        "reports:uploaded_template": on_template("reports:uploaded_template", own_template),
        "reports:remove_template": on_template("reports:remove_template", own_to_remove, method="post", own_status=302),
        "reports:upload_template": [
            Probe(reverse("reports:upload_template", args=[own_key, OVERVIEW]), status=page_status),
            # another school's place: the principal may not upload for it
            Probe(reverse("reports:upload_template", args=[f"s{outside_school.pk}", OVERVIEW]),
                  status=404 if manager else 403, absent=(outside_school.name,)),
            Probe(reverse("reports:upload_template", args=[f"s{outside_school.pk}", OVERVIEW]), method="post",
                  status=404 if manager else 403, data={}),
        ],
    }

    return templates | {
        "reports:index": [Probe(reverse("reports:index"), status=index_status,
                                present=present if index_status == 200 else (), absent=(outside.about,))],
        "reports:request": [*form(OVERVIEW), *form(CLASS_LIST),
                            Probe(reverse("reports:request", args=["no.such.kind"]), status=404)],
        "reports:status": on_report("reports:status"),
        "reports:download": on_report("reports:download"),
        # a finished report cannot be run again: the list says so (302)
        "reports:run_again": on_report("reports:run_again", method="post", own_status=302),
    }
