"""Scope cases of the exam pages (format: ``tisheng/testing/scope.py``).

Exams come from ``scope_world.scope_exams``: a district mid-term per junior grade in each district. Pupils'
names repeat, so leaks are looked for by the links to their pages (``/students/<id>/``), which carry ids.
"""

from tisheng.accounts.models import Role
from tisheng.assessments.models import PaperScore
from tisheng.assessments.tests.scope_world import scope_exams
from tisheng.testing.scope import Probe, targets

NO_EXAMS = {Role.HEALTH_SECTION, Role.SCHOOL_DOCTOR, Role.PARENT}  # the staff pages answer 403
CREATORS = {Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.RESEARCHER, Role.PRINCIPAL, Role.ACADEMIC_OFFICE,
            Role.GRADE_LEADER}
DISTRICT_MANAGERS = {Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.RESEARCHER}  # the bureau's exams
NO_SUCH_ID = 999_999_999


def cases(world, role, user):
    t = targets(world, role)
    exams = scope_exams(world)
    other = next(a for (district, grade), a in exams.by_grade.items() if district != world.district.pk)
    exam = exams.of_class(t.class_in) or exams.by_grade[(world.district.pk, 7)]
    paper, other_paper = exams.paper(exam), exams.paper(other)
    base, elsewhere = f"/assessments/{exam.pk}", f"/assessments/{other.pk}"
    staff = role not in NO_EXAMS
    ok = 200 if staff else 403
    hidden = 404 if staff else 403  # an object outside the scope, behind a page the role may use at all
    manage = 200 if role in DISTRICT_MANAGERS else 403

    def student_link(student, assessment=exam):
        return f"/assessments/{assessment.pk}/students/{student.pk}/"

    absent_student = (student_link(t.student_out),) if t.student_out else ()
    present_student = (student_link(t.student_in),) if t.student_in and staff else ()
    c = {
        "assessments:list": [Probe("/assessments/", status=ok, present=(exam.name,) if staff else (),
                                   absent=(other.name,))],
        "assessments:create": [Probe("/assessments/new/", status=200 if role in CREATORS else 403)],
        "assessments:knowledge_points": [Probe("/assessments/knowledge-points/", status=ok)],
        "assessments:detail": [
            Probe(f"{base}/", status=ok, present=(exam.name,) if staff else ()),
            Probe(f"{elsewhere}/", status=hidden, absent=(other.name,)),
            Probe(f"/assessments/{NO_SUCH_ID}/", status=hidden),
        ],
        "assessments:paper_create": [Probe(f"{base}/papers/new/", status=manage),
                                     Probe(f"{elsewhere}/papers/new/", status=hidden)],
        "assessments:paper_edit": [Probe(f"{base}/papers/{paper.pk}/edit/", status=manage),
                                   Probe(f"{elsewhere}/papers/{other_paper.pk}/edit/", status=hidden)],
        "assessments:paper": [
            Probe(f"{base}/papers/{paper.pk}/", status=ok),
            Probe(f"{elsewhere}/papers/{other_paper.pk}/", status=hidden, absent=(other.name,)),
            Probe(f"{base}/papers/{other_paper.pk}/", status=hidden),
        ],
        "assessments:import_start": [Probe(f"{base}/import/", status=manage),
                                     Probe(f"{elsewhere}/import/", status=hidden)],
        "assessments:import_mapping": [Probe(f"{base}/import/{'0' * 64}/", status=404 if role in DISTRICT_MANAGERS else 403),
                                       Probe(f"{elsewhere}/import/{'0' * 64}/", status=hidden)],
        "assessments:students": [Probe(f"{base}/students/", status=ok, absent=absent_student, present=present_student)],
        "assessments:attention": [Probe(f"{base}/attention/", status=ok, absent=absent_student, present=present_student),
                                  Probe(f"{elsewhere}/attention/", status=hidden, absent=(other.name,))],
        "assessments:school": [Probe(f"{base}/schools/{NO_SUCH_ID}/", status=hidden)],
        "assessments:class": [Probe(f"{base}/classes/{NO_SUCH_ID}/", status=hidden)],
        "assessments:student": [Probe(f"{base}/students/{NO_SUCH_ID}/", status=hidden)],
        "assessments:correct": [Probe(f"{base}/scores/{NO_SUCH_ID}/correct/", method="post", data={}, status=hidden)],
        "assessments:child": [Probe(f"/assessments/children/{NO_SUCH_ID}/", status=404)],
    }
    if t.school_in is not None:
        c["assessments:school"].append(Probe(f"{base}/schools/{t.school_in.pk}/", status=ok,
                                             present=(t.school_in.name,) if staff else ()))
    if t.school_out is not None:
        c["assessments:school"].append(Probe(f"{base}/schools/{t.school_out.pk}/", status=hidden))
        c["assessments:paper"].append(Probe(f"{base}/papers/{paper.pk}/", data={"school": t.school_out.pk},
                                            status=hidden))
    if t.class_in is not None:
        c["assessments:class"].append(Probe(f"{base}/classes/{t.class_in.pk}/", status=ok,
                                            present=(t.class_in.name,) if staff else (), absent=absent_student))
    if t.class_out is not None:
        c["assessments:class"].append(Probe(f"{base}/classes/{t.class_out.pk}/", status=hidden))
        c["assessments:students"].append(Probe(f"{base}/students/", data={"class": t.class_out.pk}, status=hidden))
    if t.student_in is not None:
        c["assessments:student"].append(Probe(student_link(t.student_in), status=ok,
                                              present=(t.student_in.name,) if staff else ()))
        score = PaperScore.objects.filter(paper=paper, student=t.student_in).first()
        if score is not None:
            # an empty form: the page's answer without changing anything (302 back to the pupil's page)
            c["assessments:correct"].append(Probe(f"{base}/scores/{score.pk}/correct/", method="post", data={},
                                                  status=302 if role in DISTRICT_MANAGERS else 403))
        c["assessments:child"].append(Probe(f"/assessments/children/{t.student_in.pk}/",
                                            status=200 if role == Role.PARENT else 404,
                                            present=(t.student_in.name,) if role == Role.PARENT else ()))
    if t.student_out is not None:
        c["assessments:student"].append(Probe(student_link(t.student_out), status=hidden, absent=(t.student_out.name,)))
        c["assessments:child"].append(Probe(f"/assessments/children/{t.student_out.pk}/", status=404,
                                            absent=(t.student_out.name,)))
        out_score = PaperScore.objects.filter(student=t.student_out).select_related("paper").first()
        if out_score is not None:
            c["assessments:correct"].append(Probe(
                f"/assessments/{out_score.paper.assessment_id}/scores/{out_score.pk}/correct/", method="post",
                data={}, status=hidden))
    return c
