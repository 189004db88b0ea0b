"""The vision screening: import (classification stored, implausible values refused per row with the reason,
the template), the vision dashboard's rates against hand-computed numbers and the rule set's targets, the
graduation page, and a parent's view of the own child's screening only."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from tisheng.accounts.scope import Scope
from tisheng.health.demo import build_health_demo
from tisheng.health.models import FitnessRecord, VisionRecord, VisionScreening
from tisheng.imports.models import ImportBatch
from tisheng.imports.tests.files import xlsx_bytes
from tisheng.imports.tests.helpers import media, messages, run_import  # noqa: F401 - fixture
from tisheng.roster.models import ClassMembership, School
from tisheng.rulesets.models import RuleOverride

pytestmark = pytest.mark.usefixtures("media")

HEADER = ["学籍号", "姓名", "班级", "右眼裸眼视力", "左眼裸眼视力", "右眼球镜", "右眼柱镜", "左眼球镜", "左眼柱镜", "是否戴镜",
          "是否戴角膜塑形镜"]


@pytest.fixture
def four(world):
    """Four pupils of one grade-7 class of QS01."""
    school = School.objects.get(code="QS01")
    members = list(ClassMembership.objects.filter(term=world.term, left_on__isnull=True, school_class__school=school,
                                                  school_class__grade=7).select_related("student", "school_class")
                   .order_by("school_class__number", "student_id"))
    first = [m for m in members if m.school_class_id == members[0].school_class_id][:4]
    return school, first


def rows_for(members):
    a, b, c, d = (m.student for m in members)
    return [HEADER,
            [a.student_no, a.name, "七年级1班", "4.8", "5.0", "-1.00", "-0.50", "0", "", "是", "否"],  # SE −1.25: myopic
            [b.student_no, b.name, "七年级1班", "4.9", "4.9", "-0.25", "-0.25", "-0.25", "-0.25", "否", "否"],  # poor only
            [c.student_no, c.name, "七年级1班", "4.6", "4.7", "", "", "", "", "是", ""],  # acuity only: suspected
            [d.student_no, d.name, "七年级1班", "5.0", "5.1", "", "", "", "", "", "是"]]  # OK lenses


def test_import_stores_the_screening_classified_by_the_2019_criterion(world, four):
    school, members = four
    batch = run_import(world.logins["school_doctor"], "health.vision", xlsx_bytes(rows_for(members)), school=school)
    assert batch.status == ImportBatch.Status.COMMITTED, messages(batch)
    screening = VisionScreening.objects.get(school=school, term=world.term)
    records = {r.student_id: r for r in VisionRecord.objects.filter(screening=screening)}
    a, b, c, d = (records[m.student_id] for m in members)
    assert (a.se_right, a.se_left, a.myopia, a.basis, a.glasses) == (-1.25, 0.0, True, "refraction", True)
    assert (b.se_right, b.myopia, b.poor_vision) == (-0.375, False, True)
    assert (c.se_right, c.myopia, c.basis) == (None, True, "acuity")
    assert (d.myopia, d.basis, d.poor_vision) == (True, "ok_lens", False)
    assert a.grade == 7 and a.sex == members[0].student.sex and a.school_class_id == members[0].school_class_id


def test_implausible_values_are_refused_per_row_with_the_reason(world, four):
    school, members = four
    rows = rows_for(members)
    rows[1][3] = "1.0"  # decimal scale
    rows[2][4] = "3.5"  # below the chart
    rows[3][5], rows[3][6] = "", "-0.75"  # cylinder without its sphere
    rows[4][3] = "好"
    with translation.override("zh-hans"):
        batch = run_import(world.logins["school_doctor"], "health.vision", xlsx_bytes(rows), school=school)
        shown = messages(batch)
    assert batch.status == ImportBatch.Status.INVALID
    assert not VisionRecord.objects.exists() and not VisionScreening.objects.exists()
    assert any(m.startswith("2|右眼裸眼视力|") and "小数记录" in m for m in shown), shown
    assert any(m.startswith("3|左眼裸眼视力|") and "4.0" in m and "5.3" in m for m in shown), shown
    assert any(m.startswith("4|右眼柱镜|") and "球镜" in m for m in shown), shown
    assert any(m.startswith("5|右眼裸眼视力|") for m in shown), shown


def test_the_template_has_the_chinese_headers(client_for):
    response = client_for("school_doctor").get(reverse("imports:template", args=["health.vision"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else
                                              response.content)).worksheets[0]
    headers = {str(c.value) for row in sheet.iter_rows(max_row=5) for c in row if c.value}
    assert {"学籍号", "姓名", "右眼裸眼视力", "左眼裸眼视力", "右眼球镜", "是否戴角膜塑形镜"} <= headers


@pytest.fixture
def demo(world):
    build_health_demo(world.district, world.term)
    return School.objects.get(code="QS01")


def hand_rate(qs) -> float:
    return round(100 * qs.filter(myopia=True).count() / qs.count(), 1)


def test_the_vision_dashboard_shows_rates_change_and_targets(world, client_for, demo):
    this_year = VisionRecord.objects.filter(screening__school=demo, screening__term=world.term)
    last_year = VisionRecord.objects.filter(screening__school=demo).exclude(screening__term=world.term)
    assert last_year.exists()
    with translation.override("zh-hans"):
        text = client_for("principal").get(reverse("health:vision")).content.decode()
    now, before = hand_rate(this_year), hand_rate(last_year)
    change = round(100 * (this_year.filter(myopia=True).count() / this_year.count()
                          - last_year.filter(myopia=True).count() / last_year.count()), 1)
    assert f"{now}%" in text and f"{before}%" in text and f"{change:+.1f}" in text
    assert "筛查性近视率" in text  # QS01 measures refraction: the figure is screening myopia
    assert "每年下降不少于 1 个百分点" in text  # shandong_baseline.r06 via the rule set
    grade_7 = this_year.filter(grade=7)
    assert f"{hand_rate(grade_7)}%" in text and "60%" in text  # the junior stage's 2030 target
    assert 'data-chart="health"' in text


def test_each_class_is_compared_with_its_own_pupils_last_year(world, client_for, demo):
    """A class's pupils were in another class (one grade lower) last year: its change is against their rate then."""
    this_year = VisionRecord.objects.filter(screening__school=demo, screening__term=world.term, grade=8)
    school_class = this_year.first().school_class
    pupils = this_year.filter(school_class=school_class).values("student_id")
    then = VisionRecord.objects.filter(student_id__in=pupils).exclude(screening__term=world.term)
    assert then.exists() and not then.filter(school_class=school_class).exists()
    now = this_year.filter(school_class=school_class)
    change = round(100 * (now.filter(myopia=True).count() / now.count()
                          - then.filter(myopia=True).count() / then.count()), 1)
    with translation.override("zh-hans"):
        text = client_for("principal").get(reverse("health:vision")).content.decode()
    row = text[text.index(f"<td>{school_class.name}</td>"):]
    row = row[:row.index("</tr>")]
    assert f"{change:+.1f}" in row and f"{then.count()} 名学生，{hand_rate(then)}%" in row
    assert "比本班学生上一学年（百分点）" in text


def test_the_yearly_target_follows_a_local_override(world, client_for, demo):
    RuleOverride.objects.create(key="shandong_baseline.r06.myopia_rate.decrease_vs_previous_year_pp.min", value=2.5,
                                district=world.district, effective_from=world.term.start_date)
    with translation.override("zh-hans"):
        text = client_for("principal").get(reverse("health:vision")).content.decode()
    assert "每年下降不少于 2.5 个百分点" in text


def test_a_district_sees_every_school_and_which_figure_each_is(world, client_for, demo):
    with translation.override("zh-hans"):
        text = client_for("bureau_admin").get(reverse("health:vision")).content.decode()
    assert "按学校" in text
    for school in School.objects.filter(district=world.district, vision_screenings__isnull=False).distinct():
        assert school.name in text
    assert "仅视力" in text and "视力与验光" in text  # village schools screen acuity only


def test_the_graduation_page_combines_the_years(world, client_for, demo):
    finals = FitnessRecord.objects.filter(test__school=demo, test__term=world.term, grade=9, status="ok")
    record, before = next((r, b) for r in finals.select_related("student")
                          for b in FitnessRecord.objects.filter(student=r.student, grade=8, status="ok"))
    text = client_for("principal").get(reverse("health:graduation")).content.decode()
    # 50 % of the final year + 50 % of the mean of the one other year, rounded half up to 0.1 (in tenths)
    expected = (round(record.total * 10) + round(before.total * 10) + 1) // 2 / 10
    assert record.student.name in text and f"{expected}" in text and f"{before.total}" in text


def test_a_parent_sees_the_own_childs_screening_only(world, client_for, demo):
    parent = world.logins["parent"]
    child_id = next(iter(Scope.of(parent).child_ids))
    mine = VisionRecord.objects.filter(student_id=child_id).first()
    client = client_for("parent")
    with translation.override("zh-hans"):
        page = client.get(reverse("health:student", args=[child_id])).content.decode()
    assert "视力筛查" in page and f"{mine.va_right} / {mine.va_left}" in page and "近视率" not in page
    assert client.get(reverse("health:vision")).status_code == 403
    other = VisionRecord.objects.exclude(student_id__in=Scope.of(parent).child_ids).first()
    assert client.get(reverse("health:student", args=[other.student_id])).status_code == 404
