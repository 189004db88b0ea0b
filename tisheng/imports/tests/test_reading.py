"""Reading files: formats, encodings, header rows, aliases, cleaning, Excel's number traps, bad files."""

import codecs
import zipfile
from io import BytesIO

import polars as pl
import pytest

from tisheng.core.idcard import check_character
from tisheng.imports import reading
from tisheng.imports.pipeline import check
from tisheng.imports.reading import FileProblem, read_table
from tisheng.imports.spec import ImportContext
from tisheng.imports.tests.files import csv_bytes, xls_bytes, xlsx_bytes
from tisheng.imports.tests.toy import TOY

ID = "11010120120506001"
ID += check_character(ID)
HEADER = ["学籍号", "姓名", "出生日期", "身份证号"]
ROWS = [HEADER, ["G" + ID, "张三", "2012-05-06", ID], ["G2", "李四", "2012/5/7", None]]


def rows_of(table) -> list[dict]:
    return table.frame.drop("_sheet").to_dicts()


def problem_of(data: bytes) -> FileProblem:
    with pytest.raises(FileProblem) as caught:
        read_table(data, TOY)
    return caught.value


@pytest.mark.parametrize("make", [
    lambda: xlsx_bytes(ROWS),
    lambda: xls_bytes({"学生": ROWS}),
    lambda: csv_bytes(ROWS),
    lambda: codecs.BOM_UTF8 + csv_bytes(ROWS),
    lambda: csv_bytes(ROWS, encoding="gbk"),
    lambda: csv_bytes(ROWS, encoding="gb18030"),
    lambda: csv_bytes(ROWS, encoding="utf-16"),
    lambda: csv_bytes(ROWS, delimiter="\t"),
    lambda: csv_bytes(ROWS, delimiter=";"),
], ids=["xlsx", "xls", "csv-utf8", "csv-bom", "csv-gbk", "csv-gb18030", "csv-utf16", "tsv", "semicolon"])
def test_every_format_reads_the_same_rows(make):
    table = read_table(make(), TOY)
    assert rows_of(table) == [
        {"no": "G" + ID, "name": "张三", "birth": "2012-05-06", "id_card": ID, "_row": 2},
        {"no": "G2", "name": "李四", "birth": "2012/5/7", "id_card": None, "_row": 3},
    ]
    assert table.labels == {"no": "学籍号", "name": "姓名", "birth": "出生日期", "id_card": "身份证号"}


def test_format_is_told_by_content_not_by_name():
    assert reading.sniff(xlsx_bytes(ROWS)) == "xlsx"
    assert reading.sniff(xls_bytes({"a": ROWS})) == "xls"
    assert reading.sniff(csv_bytes(ROWS, encoding="gbk")) == "csv"


def test_title_rows_above_the_header_are_skipped_and_rows_keep_excel_numbers():
    data = xlsx_bytes([["青山区实验中学七年级学生名单"], ["（2025年9月）"], [], ["学号", "学生姓名", "备注"],
                       ["G1", "王五", "转入"], [None, None, None], ["G3", "赵六", None]])
    table = read_table(data, TOY)
    assert rows_of(table) == [{"no": "G1", "name": "王五", "_row": 5}, {"no": "G3", "name": "赵六", "_row": 7}]
    assert table.labels == {"no": "学号", "name": "学生姓名"}
    assert table.ignored == ["备注"]


def test_headers_match_despite_marks_notes_spaces_and_full_width():
    data = csv_bytes([["学籍号*", "姓 名（必填）", "出生日期(格式:2012-09-01)", "ＩＤ"], ["G1", "甲", "2012-09-01", "x"]])
    table = read_table(data, TOY)
    assert set(table.labels) == {"no", "name", "birth"}


def test_cells_are_cleaned_full_width_and_spaces():
    data = csv_bytes([HEADER, ["Ｇ１２３", "　张\u3000 三 ", "２０１２－０５－０６\u200b", ""]])
    assert rows_of(read_table(data, TOY)) == [
        {"no": "G123", "name": "张 三", "birth": "2012-05-06", "id_card": None, "_row": 2}
    ]


def test_numbers_excel_stored_lose_nothing_when_short_and_show_as_excel_does_when_long():
    data = xlsx_bytes([HEADER, [20230101, "甲", None, 110101201205060012], ["G2", "乙", None, ID]])
    first, second = rows_of(read_table(data, TOY))
    assert first["no"] == "20230101"
    assert first["id_card"] == "1.10101E+17"  # what the cell shows in Excel; its digits are gone
    assert second["id_card"] == ID  # a text cell in the same column is left alone


def test_long_numbers_in_a_legacy_xls_are_caught_too():
    data = xls_bytes({"学生": [HEADER, [20230101, "甲", None, 110101201205060012], ["G2", "乙", None, ID]]})
    first, second = rows_of(read_table(data, TOY))
    assert (first["no"], first["id_card"], second["id_card"]) == ("20230101", "1.10101E+17", ID)


def test_every_sheet_with_the_header_is_read_and_others_skipped():
    data = xlsx_bytes(sheets={
        "说明": [["请按模板填写"], ["学籍号 一列请设为文本"]],
        "七(1)班": [HEADER, ["G1", "甲", None, None]],
        "七(2)班": [["七(2)班名单"], HEADER, ["G2", "乙", None, None]],
        "隐藏": [HEADER, ["G9", "丙", None, None]],
    }, hidden=("隐藏",))
    table = read_table(data, TOY)
    assert table.frame.select("no", "_row", "_sheet").to_dicts() == [
        {"no": "G1", "_row": 2, "_sheet": "七(1)班"},
        {"no": "G2", "_row": 3, "_sheet": "七(2)班"},
    ]


def test_long_numbers_are_caught_on_the_sheet_they_are_on_after_a_hidden_sheet():
    data = xlsx_bytes(sheets={
        "七(1)班": [HEADER, ["G1", "甲", None, ID]],
        "隐藏": [HEADER, ["G9", "丙", None, 110101201205060099]],
        "七(2)班": [HEADER, ["G2", "乙", None, 110101201205060012], ["G3", "丁", None, ID]],
    }, hidden=("隐藏",))
    assert read_table(data, TOY).frame.select("id_card", "_sheet").rows() == [
        (ID, "七(1)班"), ("1.10101E+17", "七(2)班"), (ID, "七(2)班"),
    ]


def test_sheets_with_different_columns_are_refused():
    data = xlsx_bytes(sheets={"a": [HEADER, ["G1", "甲", None, None]], "b": [["学籍号", "姓名"], ["G2", "乙"]]})
    problem = problem_of(data)
    assert problem.key == "sheets_differ"
    assert problem.params["columns"] == "出生日期、身份证号"


@pytest.mark.parametrize(("data", "key"), [
    (b"", "file_empty"),
    (b"   \r\n ", "file_empty"),
    (b"%PDF-1.7 ...", "file_not_spreadsheet"),
    ("<html><body><table><tr><td>学籍号</td></tr></table></body></html>".encode(), "file_html"),
    (b"PK\x03\x04 not really a zip", "file_unreadable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "file_unreadable"),
    (b"\x80\x80 not GBK, not UTF-8 \xff\xff", "file_encoding"),
    (b"\x00\x01\x02", "file_not_spreadsheet"),
    ("名字,年级\n甲,7\n".encode(), "no_header"),
    ("学籍号,年龄\nG1,7\n".encode(), "missing_columns"),
    ("学籍号,学号,姓名\nG1,G1,甲\n".encode(), "duplicate_column"),
    ("学籍号,姓名\n".encode(), "no_rows"),
    ("学籍号,姓名\n,\n , \n".encode(), "no_rows"),
])
def test_bad_files_are_refused_with_a_reason(data, key):
    assert problem_of(data).key == key


def test_missing_columns_are_named():
    assert problem_of("学籍号,年龄\nG1,7\n".encode()).params["columns"] == "姓名"


def test_a_zip_that_is_no_workbook_is_refused():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert problem_of(buffer.getvalue()).key == "file_not_spreadsheet"


def test_password_protected_workbooks_are_named_as_such():
    encrypted_xlsx = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600
    assert problem_of(encrypted_xlsx).key == "file_password"
    assert problem_of(xls_bytes({"a": ROWS}, password=True)).key == "file_password"


def test_too_many_rows_and_too_big(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    data = csv_bytes([HEADER] + [[f"G{i}", "甲", None, None] for i in range(3)])
    assert problem_of(data).key == "file_too_many_rows"
    monkeypatch.setattr(reading, "MAX_BYTES", 10)
    assert problem_of(data).key == "file_too_big"


def test_a_file_problem_becomes_one_error_without_rows():
    ctx = ImportContext(user=None, term=None)
    checked = check(b"", TOY, ctx)
    assert checked.frame is None
    assert ctx.errors == [{"row": None, "sheet": None, "column": None, "key": "file_empty", "params": {}}]


def test_preview_shows_the_mapping_and_first_rows():
    table = read_table(csv_bytes(ROWS), TOY)
    shown = reading.preview(table)
    assert shown["columns"][0] == {"field": "no", "header": "学籍号"}
    assert shown["rows"][1] == {"row": 3, "sheet": None, "cells": ["G2", "李四", "2012/5/7", None]}
    assert isinstance(table.frame, pl.DataFrame)
