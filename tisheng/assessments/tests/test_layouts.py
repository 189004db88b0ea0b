"""Reading the headers of score files as marking systems write them (reference/import_layouts.md §1, §4)."""

from pathlib import Path

import pytest

from tisheng.assessments import layouts
from tisheng.assessments.layouts import item_key
from tisheng.assessments.tests.helpers import workbook
from tisheng.imports.reading import raw_sheets

# A real 排行榜 export (layout 1.3), anonymised; provenance in import_layouts.md §5.
PAIHANGBANG = Path(__file__).resolve().parent / "files" / "paihangbang_excerpt_anon.xlsx"


def sheet_of(data: bytes):
    return layouts.analyse(raw_sheets(data)[1]).sheets[0]


@pytest.mark.parametrize("label, key", [
    ("1", "1"), ("1.0", "1"), ("01", "1"), ("第1题", "1"), ("第12小题", "12"), ("12题", "12"), ("26(1)", "26(1)"),
    ("26（1）", "26(1)"), ("26-1", "26(1)"), ("一.1", "一.1"), ("三.16.2", "三.16.2"), ("总分", None), ("学籍号", None),
    ("2025999001", None), ("客观题", None),
])
def test_item_headers_are_read_in_one_form(label, key):
    assert item_key(label) == key


def test_the_real_ranking_export_two_header_rows_subject_totals():
    sheet = sheet_of(PAIHANGBANG.read_bytes())
    assert sheet.header_rows == [1, 2] and sheet.rows == 8
    assert sheet.labels[:11] == ["姓名", "考号", "学号", "班级", "标签", "总分|分数", "总分|联考排名", "总分|学校排名",
                                 "总分|班级排名", "语文|分数", "语文|联考排名"]
    mapping = layouts.suggest(sheet, papers=[(1, "语文"), (2, "数学"), (3, "英语")])
    # 学号 holds the ID card number; 考号 is the marking system's own; ranks are never imported
    assert mapping == {0: "name", 2: "student_no", 3: "class_name", 9: "subject:1", 13: "subject:2", 17: "subject:3"}


def test_items_under_merged_groups_and_the_totals_beside_them():
    data = workbook({"数学": [["【期中】小题得分明细"], ["学号", "姓名", "班级", "总分", "客观分", "主观分", "选择题", None, "解答题"],
                              [None, None, None, None, None, None, "1", "2", "3"], ["A1", "甲", "7班", 9, 6, 3, 3, 3, 3]]})
    sheet = sheet_of(data)
    assert sheet.header_rows == [1, 2]
    assert sheet.labels == ["学号", "姓名", "班级", "总分", "客观分", "主观分", "选择题|1", "选择题|2", "解答题|3"]
    mapping = layouts.suggest(sheet, items=[(1, "1"), (2, "2"), (3, "3")])
    assert mapping == {0: "student_no", 1: "name", 2: "class_name", 3: "total", 4: "objective", 5: "subjective",
                       6: "item:1", 7: "item:2", 8: "item:3"}


def test_a_group_row_above_a_plain_header():
    data = workbook({"S": [[None, None, "语文", None, "数学", None], ["学籍号", "姓名", "分数", "校次", "分数", "校次"],
                           ["G1", "甲", 90, 1, 80, 2]]})
    sheet = sheet_of(data)
    assert sheet.header_rows == [0, 1]
    assert sheet.labels == ["学籍号", "姓名", "语文|分数", "语文|校次", "数学|分数", "数学|校次"]
    assert layouts.suggest(sheet, papers=[(7, "语文"), (8, "数学")]) == {0: "student_no", 1: "name", 2: "subject:7",
                                                                          4: "subject:8"}


def test_joint_exam_item_names_and_one_row_per_item():
    data = workbook({"S": [["考号", "学号", "班级", "一.1", "一.2", "二.3"], ["1", "A1", "3班", 5, 0, 2]]})
    sheet = sheet_of(data)
    assert layouts.suggest(sheet, items=[(1, "一.1"), (2, "一.2"), (3, "二.3")]) == {
        1: "student_no", 2: "class_name", 3: "item:1", 4: "item:2", 5: "item:3"}
    long = sheet_of(workbook({"S": [["学籍号", "姓名", "小题", "小题得分"], ["A1", "甲", "1", 3]]}))
    assert layouts.suggest(long, items=[(1, "1")]) == {0: "student_no", 1: "name", 2: "item_label", 3: "score"}


def test_a_remembered_layout_has_the_same_signature_for_the_next_paper_with_the_same_items():
    sheet = sheet_of(PAIHANGBANG.read_bytes())
    papers = [(1, "语文"), (2, "数学")]
    assert layouts.signature(sheet, papers=papers) == layouts.signature(sheet, papers=list(papers))
    assert layouts.signature(sheet, papers=papers) != layouts.signature(sheet, papers=[(1, "语文")])
