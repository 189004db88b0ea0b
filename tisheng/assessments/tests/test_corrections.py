"""Corrections: one item score, a status, a total of a paper without items — each kept in the audit trail
(who, when, before, after, why), the totals recounted, the results recomputed; and refused where it makes
no sense."""

import pytest

from tisheng.accounts.models import Role
from tisheng.assessments import actions
from tisheng.assessments.models import ItemScore, PaperScore, ScopeStat, ScoreCorrection
from tisheng.assessments.tests.helpers import class_71
from tisheng.assessments.tests.test_pages import exam  # noqa: F401 - the fixture


def class_mean(assessment, paper, world):
    return ScopeStat.objects.get(assessment=assessment, paper=paper, scope="class", school_class=class_71(world),
                                 subgroup="").mean


def test_an_item_score_corrected_through_the_page(world, client_for, exam):
    assessment, paper, ids = exam
    score = PaperScore.objects.get(paper=paper, student_id=ids[3])  # 7 points: 0, 0, 3, 2, 2
    item = paper.items.get(label="1")
    response = client_for(Role.RESEARCHER).post(
        f"/assessments/{assessment.pk}/scores/{score.pk}/correct/",
        {"item": item.pk, "score": "4", "reason": "第1题漏判"})
    assert response.status_code == 302
    score.refresh_from_db()
    assert (score.score, score.objective) == (11.0, 4.0)
    correction = ScoreCorrection.objects.get(paper_score=score)
    assert (correction.item, correction.old_score, correction.new_score, correction.reason) == (item, 0.0, 4.0, "第1题漏判")
    assert correction.by == world.logins[Role.RESEARCHER]
    assert class_mean(assessment, paper, world) == pytest.approx((20 + 15 + 12 + 11) / 4)  # recomputed at once


def test_marking_a_pupil_absent_removes_the_items_and_is_recorded(world, exam):
    assessment, paper, ids = exam
    score = PaperScore.objects.get(paper=paper, student_id=ids[0])
    actions.correct_score(world.logins[Role.RESEARCHER], score, status="cheating", reason="监考报告")
    score.refresh_from_db()
    assert (score.status, score.score) == ("cheating", None)
    assert not ItemScore.objects.filter(paper=paper, student_id=ids[0]).exists()
    assert ScoreCorrection.objects.get(paper_score=score).old_score == 20.0
    assert class_mean(assessment, paper, world) == pytest.approx((15 + 12 + 7) / 3)


def test_corrections_that_make_no_sense_are_refused(world, client_for, exam):
    assessment, paper, ids = exam
    absent = PaperScore.objects.get(paper=paper, student_id=ids[4])
    with pytest.raises(ValueError):
        actions.correct_score(None, absent, status="sat", reason="")
    sat = PaperScore.objects.get(paper=paper, student_id=ids[0])
    with pytest.raises(ValueError):  # 5 points on a 4-point item
        actions.correct_score(None, sat, item=paper.items.get(label="1"), score=5, reason="")
    # a teacher may read the pupil but not correct: 403; nothing recorded
    response = client_for(Role.HEAD_TEACHER).post(f"/assessments/{assessment.pk}/scores/{sat.pk}/correct/",
                                                  {"item": paper.items.get(label="1").pk, "score": "1", "reason": "x"})
    assert response.status_code == 403
    assert not ScoreCorrection.objects.exists()
