"""The demo exams: built into the test world, analysed, with results at every level."""

from tisheng.assessments.demo import build_assessment_demo
from tisheng.assessments.models import Assessment, ItemStat, KpStat, ScopeStat, StudentResult


def test_demo_exams_are_analysed(world):
    demo = build_assessment_demo(world.district, today=world.term.start_date.replace(month=11, day=20))
    assert demo.assessments
    for a in demo.assessments:
        a.refresh_from_db()
        assert a.analysis == Assessment.Analysis.DONE, a.name
        assert ScopeStat.objects.filter(assessment=a, scope="class").exists()
        assert ItemStat.objects.filter(assessment=a).exists()
        assert KpStat.objects.filter(assessment=a).exists()
        assert StudentResult.objects.filter(assessment=a).exclude(level="").exists()
