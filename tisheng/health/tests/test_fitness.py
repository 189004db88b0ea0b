"""The fitness import (time formats, exemptions, all-or-nothing), stored scores against core.fitness.score_one,
the national-layout export read back by the import, and the summary's rates on a hand-checked class."""

import pytest
from django.utils import translation

from tisheng.core.fitness import score_one
from tisheng.health import actions, exports, queries
from tisheng.health.importers import parse_time
from tisheng.health.models import MEASUREMENTS, FitnessRecord, FitnessTest, Level
from tisheng.imports.models import ImportBatch
from tisheng.imports.parsers import Problem
from tisheng.imports.tests.files import xlsx_bytes
from tisheng.imports.tests.helpers import media, messages, run_import  # noqa: F401 - fixture
from tisheng.roster.models import ClassMembership, School

pytestmark = pytest.mark.usefixtures("media")

HEADER = ["年级编号", "班级编号", "学籍编号", "民族代码", "姓名", "性别", "出生日期", "身高", "体重", "肺活量", "50米跑",
          "坐位体前屈", "立定跳远", "引体向上", "一分钟仰卧起坐", "1000米跑", "800米跑", "免测原因"]


@pytest.mark.parametrize(("text", "kind", "seconds"), [
    ("3'25\"", "long", 205), ("3′25″", "long", 205), ("3分25秒", "long", 205), ("3.25", "long", 205),
    ("3.5", "long", 230), ("3.05", "long", 185), ("205", "long", 205), ("1'45\"", "long", 105), ("8.6", "short", 8.6),
])
def test_times_are_read_in_every_written_form(text, kind, seconds):
    assert parse_time(text, kind) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["3'75\"", "3.75", "abc", "3:2:1"])
def test_impossible_times_are_refused(text):
    with pytest.raises(Problem):
        parse_time(text, "long")


@pytest.fixture
def pupils(world):
    """A boy and two girls of a grade-7 class of QS01, and the school doctor who uploads."""
    school = School.objects.get(code="QS01")
    members = ClassMembership.objects.filter(term=world.term, left_on__isnull=True, school_class__school=school,
                                             school_class__grade=7).select_related("student", "school_class")
    boy = next(m for m in members if m.student.sex == "M")
    girls = [m for m in members if m.student.sex == "F" and m.school_class_id == boy.school_class_id][:2]
    return school, boy, girls


def rows_for(boy, girls):
    b, g1, g2 = boy.student, girls[0].student, girls[1].student
    return [HEADER,
            ["21", "2101", b.student_no, "01", b.name, "1", "2013/3/1", "162.5", "50.2", "3100", "8.4", "9", "205",
             "6", "", "3'50\"", "", ""],
            ["21", "2101", g1.student_no, "01", g1.name, "2", "", "155", "45", "2400", "9.6", "14", "165", "", "38", "",
             "3.40", ""],
            ["21", "2101", g2.student_no, "01", g2.name, "2", "", "免测", "", "", "", "", "", "", "", "", "", "因病持医院证明"]]


def test_import_stores_the_measurements_and_the_score_of_core_fitness(world, pupils):
    school, boy, girls = pupils
    batch = run_import(world.logins["school_doctor"], "health.fitness", xlsx_bytes(rows_for(boy, girls)), school=school)
    assert batch.status == ImportBatch.Status.COMMITTED, messages(batch)
    test = FitnessTest.objects.get(school=school, term=world.term)
    boy_record = FitnessRecord.objects.get(test=test, student=boy.student)
    assert boy_record.run_1000m == 230 and boy_record.grade == 7 and boy_record.sex == "M"
    assert boy_record.school_class_id == boy.school_class_id
    girl = FitnessRecord.objects.get(test=test, student=girls[0].student)
    assert girl.run_800m == 220
    for record in (boy_record, girl):
        expected = score_one({"grade": record.grade, "sex": record.sex, **{m: getattr(record, m) for m in MEASUREMENTS}})
        assert expected["status"] == "ok"
        assert record.status == "ok"
        assert record.total == expected["total"] and record.standard_score == expected["standard_score"]
        assert record.bonus == expected["bonus"] and record.run_50m_score == expected["run_50m_score"]
        assert record.level == {"优秀": "excellent", "良好": "good", "及格": "pass", "不及格": "fail"}[expected["level"]]
    exempt = FitnessRecord.objects.get(test=test, student=girls[1].student)
    assert exempt.exempt and exempt.exempt_reason == "因病持医院证明"
    assert exempt.status == FitnessRecord.Status.EXEMPT and exempt.total is None
    assert boy_record.history.count() >= 1


def test_a_bad_row_writes_nothing_and_says_why_in_chinese(world, pupils):
    school, boy, girls = pupils
    rows = rows_for(boy, girls)
    rows[2][7] = "915"  # 身高 915 cm
    rows[3][17] = ""  # 免测 without a reason
    with translation.override("zh-hans"):
        batch = run_import(world.logins["school_doctor"], "health.fitness", xlsx_bytes(rows), school=school)
        shown = messages(batch)
    assert batch.status == ImportBatch.Status.INVALID
    assert not FitnessRecord.objects.exists() and not FitnessTest.objects.exists()
    assert any(m.startswith("3|身高|") and "80" in m and "220" in m for m in shown), shown
    assert any(m.startswith("4|") and "免测" in m and "原因" in m for m in shown), shown


def test_unknown_student_and_wrong_name_are_refused(world, pupils):
    school, boy, girls = pupils
    rows = rows_for(boy, girls)
    rows[1][2] = "G999999999999999999"
    rows[2][4] = "别人"
    with translation.override("zh-hans"):
        batch = run_import(world.logins["school_doctor"], "health.fitness", xlsx_bytes(rows), school=school)
        shown = messages(batch)
    assert batch.status == ImportBatch.Status.INVALID and not FitnessRecord.objects.exists()
    assert any(m.startswith("2|学籍编号|") for m in shown) and any(m.startswith("3|姓名|") for m in shown), shown


def test_the_national_layout_export_reads_back_unchanged(world, pupils):
    school, boy, girls = pupils
    user = world.logins["school_doctor"]
    run_import(user, "health.fitness", xlsx_bytes(rows_for(boy, girls)), school=school)
    test = FitnessTest.objects.get(school=school)
    before = {r.student_id: [getattr(r, m) for m in MEASUREMENTS] + [r.exempt, r.total]
              for r in FitnessRecord.objects.filter(test=test)}
    data = exports.national_workbook(user, test, queries.records(user, test))
    batch = run_import(user, "health.fitness", data, school=school)
    assert batch.status == ImportBatch.Status.COMMITTED, messages(batch)
    after = {r.student_id: [getattr(r, m) for m in MEASUREMENTS] + [r.exempt, r.total]
             for r in FitnessRecord.objects.filter(test=test)}
    assert after == before


def test_summary_rates_of_a_small_class_by_hand(world, pupils):
    school, boy, girls = pupils
    test = FitnessTest.objects.create(school=school, term=world.term, date=world.term.start_date)
    members = list(ClassMembership.objects.filter(school_class_id=boy.school_class_id, term=world.term,
                                                  left_on__isnull=True).select_related("student")[:5])
    levels = [Level.EXCELLENT, Level.GOOD, Level.PASS, Level.FAIL, None]  # the fifth pupil was absent
    for m, level in zip(members, levels, strict=True):
        FitnessRecord.objects.create(
            test=test, student=m.student, school_class_id=m.school_class_id, grade=7, sex=m.student.sex,
            level=level or "", status=FitnessRecord.Status.OK if level else FitnessRecord.Status.ABSENT,
            absent=level is None, run_50m_score=80 if level != Level.FAIL else 50)
    s = queries.summarise(FitnessRecord.objects.filter(test=test))
    assert (s.pupils, s.scored, s.absent) == (5, 4, 1)
    assert s.pass_rate == 75.0 and s.good_rate == 50.0  # 3 of 4 pass, 2 of 4 good or excellent
    assert [r for r in s.item_rates() if r[0] == "run_50m"] == [("run_50m", 4, 75.0)]


def test_the_demo_scores_every_school_through_the_same_path(world):
    from tisheng.health.demo import build_health_demo

    made = build_health_demo(world.district, world.term)
    assert made["tests"] == FitnessTest.objects.filter(school__district=world.district).count() > 0
    records = FitnessRecord.objects.filter(test__school__district=world.district)
    assert records.count() == made["records"]
    assert not records.filter(status=FitnessRecord.Status.UNSCORED).exists()
    sample = records.filter(status="ok").first()
    expected = score_one({"grade": sample.grade, "sex": sample.sex, **{m: getattr(sample, m) for m in MEASUREMENTS}})
    assert sample.total == expected["total"]
    assert actions.grade_code(7) == "21" and actions.grade_code(1) == "11"
