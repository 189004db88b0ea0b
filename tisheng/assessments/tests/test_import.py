"""Score imports end to end: layouts as marking systems export them, the column mapping, every check, the
all-or-nothing commit, replacing the previous import of a paper, and the analysis it starts."""

import pytest

from tisheng.accounts.models import Role
from tisheng.assessments import uploads
from tisheng.assessments.models import Assessment, ItemScore, PaperScore, ScopeStat
from tisheng.assessments.tests.helpers import class_71, make_exam, make_paper, pupils, workbook
from tisheng.imports import actions as import_actions
from tisheng.imports.models import ImportBatch
from tisheng.imports.tests.helpers import media, messages  # noqa: F401 - media is a fixture
from tisheng.roster.models import Student

TITLE = "【2026年七年级期中】所有班级学生小题得分明细"


@pytest.fixture
def researcher(world):
    return world.logins[Role.RESEARCHER]


@pytest.fixture
def exam(world):
    assessment = make_exam(world)
    paper = make_paper(assessment)
    return assessment, paper


def numbers(world, n=5):
    ids = pupils(world)["student_id"].to_list()[:n]
    return [Student.objects.get(pk=i) for i in ids]


def two_row_file(rows):
    """智学网-like: a title, 学籍号/姓名/班级/总分 merged over two rows, 客观题 over items 1–2, 主观题 over 3–5."""
    header = [["学籍号", "姓名", "班级", "总分", "客观题", None, "主观题", None, None],
              [None, None, None, None, "1", "2", "3", "4", "5"]]
    merges = [(0, 0, 0, 8, TITLE), (1, 4, 1, 5, "客观题"), (1, 6, 1, 8, "主观题")]
    merges += [(1, c, 2, c, text) for c, text in enumerate(["学籍号", "姓名", "班级", "总分"])]
    return workbook({"数学": [[TITLE], *header, *rows]}, {"数学": merges})


def run(user, assessment, paper, data, columns=None, commit=True):
    pending = uploads.keep(user, data, "小题得分.xlsx")
    proposal = uploads.propose(data, assessment, paper)
    batch = uploads.start(user, assessment, paper, pending, proposal=proposal, columns=columns or proposal.columns)
    if commit and batch.status == ImportBatch.Status.VALID:
        assert import_actions.start_commit(batch, user)
        batch.refresh_from_db()
    return batch, proposal


def test_two_header_rows_with_merged_cells_are_mapped_and_imported(world, researcher, exam, media):
    assessment, paper = exam
    s = numbers(world)
    rows = [[s[0].student_no, s[0].name, "七年级1班", 20, 4, 4, 4, 4, 4],
            [s[1].student_no, s[1].name, "七年级1班", 15, 4, 0, 4, 3.5, 3.5],
            [s[2].student_no, s[2].name, "七年级1班", 12, 0, 4, 4, 4, 0],
            [s[3].student_no, s[3].name, "七年级1班", 7, 0, 0, 3, 2, 2],
            [s[4].student_no, s[4].name, "七年级1班", "缺考", None, None, None, None, None],
            ["平均分", None, None, 13.5, None, None, None, None, None]]
    batch, proposal = run(researcher, assessment, paper, two_row_file(rows))
    assert proposal.sheet.header_rows == [1, 2]
    assert proposal.sheet.labels[:6] == ["学籍号", "姓名", "班级", "总分", "客观题|1", "客观题|2"]
    assert set(proposal.columns.values()) == {"student_no", "name", "class_name", "total", *(f"item:{i}" for i in range(1, 6))}
    assert batch.status == ImportBatch.Status.COMMITTED, messages(batch)
    assert batch.params["paper"] == paper.pk and batch.sha256
    scores = {p.student_id: p for p in PaperScore.objects.filter(paper=paper)}
    assert scores[s[1].pk].score == 15 and scores[s[1].pk].objective == 4 and scores[s[1].pk].subjective == 11
    assert scores[s[4].pk].status == "absent" and scores[s[4].pk].score is None
    assert ItemScore.objects.filter(paper=paper).count() == 4 * 5
    paper.refresh_from_db()
    assert paper.batch_id == batch.pk

    # the analysis ran (ImmediateBackend): the class of 5 — 4 sat (20, 15, 12, 7), 1 absent
    assessment.refresh_from_db()
    assert assessment.analysis == Assessment.Analysis.DONE
    row = ScopeStat.objects.get(assessment=assessment, paper=paper, scope="class", school_class=class_71(world), subgroup="")
    assert (row.n_rows, row.n_sat, row.n_absent) == (5, 4, 1)
    assert row.mean == pytest.approx(13.5)
    assert row.pass_rate == pytest.approx(0.75)  # ≥ 12 = 0.6 × 20: 20, 15, 12
    assert row.excellent_rate == pytest.approx(0.25)  # ≥ 17 = 0.85 × 20: 20
    assert row.low_rate == pytest.approx(0.25)  # < 8 = 0.4 × 20: 7


def test_the_mapping_is_remembered_for_the_layout(world, researcher, exam, media):
    assessment, paper = exam
    s = numbers(world, 1)
    data = two_row_file([[s[0].student_no, s[0].name, "七年级1班", 20, 4, 4, 4, 4, 4]])
    changed = {0: "student_no", 3: "total", 4: "item:1", 5: "item:2", 6: "item:3", 7: "item:4", 8: "item:5"}
    run(researcher, assessment, paper, data, columns=changed)
    again = uploads.propose(data, assessment, paper)
    assert again.remembered and again.columns == changed


def test_every_problem_is_reported_on_its_row_and_nothing_is_written(world, researcher, exam, media):
    assessment, paper = exam
    s = numbers(world)
    rows = [[s[0].student_no, s[0].name, "七年级1班", 20, 5, 4, 4, 4, 3],      # item 1 above its 4 points
            [s[1].student_no, s[1].name, "七年级1班", 16, 4, 4, 4, 3.5, 3.5],  # items add up to 19
            ["G999999999999999999", "无此人", "七年级1班", 10, 2, 2, 2, 2, 2],  # unknown pupil
            [s[2].student_no, s[2].name, "七年级1班", 12, 0, 4, 4, None, 4],   # item 4 left empty
            [s[2].student_no, s[2].name, "七年级1班", 12, 0, 4, 4, 0, 4],      # the same pupil again
            [s[3].student_no, s[3].name, "七年级1班", "缺考", 1, None, None, None, None],  # absent with a score
            [s[4].student_no, s[4].name, "七年级1班", "九十", None, None, None, None, None]]  # not a number
    batch, _ = run(researcher, assessment, paper, two_row_file(rows))
    assert batch.status == ImportBatch.Status.INVALID
    got = {m.split("|")[0] + "|" + m.split("|")[1] + ("|" + m.split("|")[2] if m.split("|")[1] in ("客观题", "主观题") else ""): m
           for m in messages(batch)}
    assert len(messages(batch)) == 7, messages(batch)  # one message per problem, none twice
    assert "5" in got["4|客观题|1"] and "4" in got["4|客观题|1"]  # 5 points on a 4-point item
    assert "16" in got["5|总分"] and "19" in got["5|总分"]  # the items add up to 19
    assert "G999999999999999999" in got["6|学籍号"]
    assert "7|主观题|4" in got  # empty item of a pupil who sat
    assert "7" in got["8|学籍号"]  # the same pupil as in row 7
    assert "9|客观题|1" in got  # a score for a pupil marked 缺考
    assert "九十" in got["10|总分"]
    assert not PaperScore.objects.filter(paper=paper).exists()


def test_a_new_import_of_the_paper_replaces_the_previous_one(world, researcher, exam, media):
    assessment, paper = exam
    s = numbers(world, 2)
    first, _ = run(researcher, assessment, paper, two_row_file(
        [[x.student_no, x.name, "七年级1班", 20, 4, 4, 4, 4, 4] for x in s]))
    second, _ = run(researcher, assessment, paper, two_row_file(
        [[s[0].student_no, s[0].name, "七年级1班", 10, 2, 2, 2, 2, 2]]))
    assert (first.status, second.status) == ("committed", "committed")
    assert list(PaperScore.objects.filter(paper=paper).values_list("student_id", "score", "batch_id")) == [
        (s[0].pk, 10.0, second.pk)]
    assert ItemScore.objects.filter(paper=paper).count() == 5


def test_one_row_per_student_and_item(world, researcher, exam, media):
    assessment, paper = exam
    s = numbers(world, 2)
    rows = [["学籍号", "姓名", "题号", "得分"]]
    rows += [[s[0].student_no, s[0].name, f"第{i}题", 3] for i in range(1, 6)]
    rows += [[s[1].student_no, s[1].name, str(i), "缺考"] for i in range(1, 6)]
    batch, proposal = run(researcher, assessment, paper, workbook({"Sheet1": rows}))
    assert proposal.kind == "long"
    assert batch.status == ImportBatch.Status.COMMITTED, messages(batch)
    scores = dict(PaperScore.objects.filter(paper=paper).values_list("student_id", "status"))
    assert scores == {s[0].pk: "sat", s[1].pk: "absent"}
    assert PaperScore.objects.get(paper=paper, student=s[0]).score == 15


def test_pupils_found_by_class_and_name_when_there_is_no_number(world, researcher, exam, media):
    assessment, paper = exam
    s = numbers(world, 1)
    rows = [["姓名", "班级", "1", "2", "3", "4", "5"], [s[0].name, "7年级1班", 1, 1, 1, 1, 1],
            ["查无此人", "七(1)班", 1, 1, 1, 1, 1]]
    batch, _ = run(researcher, assessment, paper, workbook({"Sheet1": rows}))
    assert batch.status == ImportBatch.Status.INVALID
    assert [m.split("|")[:2] for m in messages(batch)] == [["3", "姓名"]]


def test_subject_totals_for_papers_without_items(world, researcher, media):
    assessment = make_exam(world, kind="weekly", name="周周评")
    chinese = make_paper(assessment, "chinese", items=[])
    s = numbers(world, 2)
    rows = [["全部考生成绩汇总-（七年级）周周评"], ["学籍号", "姓名", "语文", None], [None, None, "得分", "校次"],
            [s[0].student_no, s[0].name, 18, 1], [s[1].student_no, s[1].name, "-", None]]
    batch, proposal = run(researcher, assessment, None, workbook({"学生成绩": rows}))
    assert proposal.kind == "totals" and f"subject:{chinese.subject_id}" in proposal.columns.values()
    assert batch.status == ImportBatch.Status.COMMITTED, messages(batch)
    assert dict(PaperScore.objects.filter(paper=chinese).values_list("student_id", "score")) == {s[0].pk: 18.0, s[1].pk: None}
