"""The result pages with a class of five whose scores are known (full mark 20, pass line 12, excellent 17,
low 8): 20, 15, 12, 7 and one pupil absent → mean 13.5, pass 75 %, excellent 25 %, low 25 %."""

import pytest

from tisheng.accounts.models import Role
from tisheng.assessments.models import Assessment, Paper, StudentResult
from tisheng.assessments.tests.helpers import class_71, give_scores, main_school, make_exam, make_paper, pupils

SCORES = [[4, 4, 4, 4, 4], [4, 0, 4, 3.5, 3.5], [0, 4, 4, 4, 0], [0, 0, 3, 2, 2], "absent"]


@pytest.fixture
def exam(world):
    assessment = make_exam(world)
    paper = make_paper(assessment)
    where = pupils(world)
    ids = where["student_id"].to_list()[:5]
    give_scores(paper, dict(zip(ids, SCORES, strict=True)), where)
    assessment.refresh_from_db()
    assert assessment.analysis == Assessment.Analysis.DONE
    return assessment, paper, ids


def test_the_class_page_shows_the_class_figures(world, client_for, exam):
    assessment, paper, ids = exam
    page = client_for(Role.HEAD_TEACHER).get(f"/assessments/{assessment.pk}/classes/{class_71(world).pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    for figure in ("13.5", "75.0%", "25.0%"):
        assert figure in text
    assert f"/assessments/{assessment.pk}/students/?class={class_71(world).pk}" in text


def test_each_number_links_to_the_pupils_behind_it(world, client_for, exam):
    assessment, paper, ids = exam
    client = client_for(Role.HEAD_TEACHER)
    passed = client.get(f"/assessments/{assessment.pk}/students/", {"class": class_71(world).pk, "paper": paper.pk,
                                                                   "band": "pass"}).content.decode()
    from tisheng.roster.models import Student

    names = {i: Student.objects.get(pk=i).name for i in ids}
    assert passed.count(f"/assessments/{assessment.pk}/students/") - passed.count(f"/assessments/{assessment.pk}/students/?") == 3
    for i in ids[:3]:
        assert f"/students/{i}/" in passed
    for i in ids[3:]:
        assert f"/students/{i}/" not in passed
    absent = client.get(f"/assessments/{assessment.pk}/students/", {"class": class_71(world).pk, "paper": paper.pk,
                                                                   "band": "absent"}).content.decode()
    assert f"/students/{ids[4]}/" in absent and names


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.PRINCIPAL, Role.GRADE_LEADER, Role.SUBJECT_LEADER,
                                  Role.HEAD_TEACHER])
def test_staff_pages_render(world, client_for, exam, role):
    assessment, paper, ids = exam
    client = client_for(role)
    school = main_school()
    for url in (f"/assessments/", f"/assessments/{assessment.pk}/", f"/assessments/{assessment.pk}/schools/{school.pk}/",
                f"/assessments/{assessment.pk}/papers/{paper.pk}/", f"/assessments/{assessment.pk}/attention/",
                f"/assessments/{assessment.pk}/students/?paper={paper.pk}",
                f"/assessments/{assessment.pk}/students/{ids[0]}/"):
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)


def test_the_teacher_home_starts_with_the_latest_results(world, client_for, exam):
    text = client_for(Role.HEAD_TEACHER).get("/").content.decode()
    assert "13.5" in text
    assert text.index("13.5") < text.index('class="stats"')


def test_the_parent_sees_levels_and_points_to_work_on_but_no_score(world, client_for, exam):
    assessment, paper, ids = exam
    parent = world.logins[Role.PARENT]
    from tisheng.accounts.scope import Scope

    child = next(iter(Scope.of(parent).child_ids))
    page = client_for(Role.PARENT).get(f"/assessments/children/{child}/")
    assert page.status_code == 200
    result = StudentResult.objects.filter(student_id=child, paper=paper).first()
    if result is not None and result.level:
        assert result.level in page.content.decode()
