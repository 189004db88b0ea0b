"""Property tests: whatever bytes, workbooks or CSV text arrive, the pipeline answers with rows or with a list of
errors, never with an exception."""

import codecs
import io

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tisheng.imports.pipeline import check
from tisheng.imports.spec import ImportContext
from tisheng.imports.tests.biff import xls_bytes
from tisheng.imports.tests.files import xlsx_bytes
from tisheng.imports.tests.toy import TOY

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADERS = [h for c in TOY.columns for h in (c.header, *c.aliases)]
# Text as it turns up in school files: Chinese, full-width forms, digits, punctuation, quotes, separators, blanks.
CHARS = st.sampled_from(list("学籍号姓名张三七年级班１２３ＡＢ　 ,;\t\"'\n\r-./:年月日XxGg0123456789Ee+（）()、·×√") + ["\u200b", "\ufeff"])
TEXT = st.text(CHARS, max_size=24)
CELL = st.one_of(
    st.none(), TEXT, st.sampled_from(HEADERS),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
)
ROWS = st.lists(st.lists(CELL, max_size=8), max_size=12)


def outcome(data: bytes):
    ctx = ImportContext(user=None, term=None)
    checked = check(data, TOY, ctx)
    assert ctx.errors or (checked.frame is not None and checked.frame.height > 0)
    for error in ctx.errors:
        assert set(error) == {"row", "sheet", "column", "key", "params"}
    return checked, ctx


@SETTINGS
@given(st.binary(max_size=2048))
def test_any_bytes(data):
    outcome(data)


@SETTINGS
@given(st.sampled_from([b"PK\x03\x04", bytes.fromhex("D0CF11E0A1B11AE1"), b"\xef\xbb\xbf", b"\xff\xfe", b""]),
       st.binary(max_size=4096))
def test_bytes_that_start_like_a_known_format(magic, rest):
    outcome(magic + rest)


@SETTINGS
@given(ROWS, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]), st.sampled_from([",", "\t", ";"]))
def test_any_csv_in_any_encoding(rows, encoding, delimiter):
    import csv

    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows([["" if c is None else str(c) for c in row] for row in rows])
    outcome(text.getvalue().encode(encoding, errors="replace"))


@SETTINGS
@given(st.dictionaries(st.text("七八九班名单说明12ab ()", min_size=1, max_size=12).map(str.strip).filter(bool),
                       ROWS, min_size=1, max_size=3))
def test_any_workbook(sheets):
    outcome(xlsx_bytes(sheets=sheets))


@SETTINGS
@given(ROWS)
def test_any_legacy_workbook(rows):
    clean = [[c if not isinstance(c, bool) else int(c) for c in row] for row in rows]
    outcome(xls_bytes({"Sheet1": clean}))


VALID = xlsx_bytes([["学籍号", "姓名", "出生日期", "年级", "班级"], ["G1", "张三", "2012-09-01", "七年级", "3班"]])


@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(VALID) - 1), st.integers(0, 255)), min_size=1,
                max_size=20))
def test_a_damaged_workbook(flips):
    data = bytearray(VALID)
    for position, value in flips:
        data[position] = value
    outcome(bytes(data))


@SETTINGS
@given(st.lists(st.lists(st.sampled_from(HEADERS) | TEXT, min_size=1, max_size=6), min_size=1, max_size=3), ROWS)
def test_random_headers_above_random_rows(header_rows, rows):
    data = xlsx_bytes(header_rows + rows)
    checked, ctx = outcome(data)
    if not ctx.errors:
        assert checked.frame["_row"].is_sorted()


def test_excel_number_cells_and_big_floats_read_without_surprise():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["学籍号", "姓名", "分数", "年龄"])
    sheet.write_row(1, 0, [1e300, "甲", float("nan"), float("inf")])
    sheet.write_row(2, 0, [-0.0, "乙", 1e-300, 2**63])
    book.close()
    checked, ctx = outcome(buffer.getvalue())
    assert {e["key"] for e in ctx.errors} <= {"excel_number", "number", "integer", "decimal_point",
                                              "identifier_characters", "out_of_range", "decimals", "too_long"}
    assert codecs  # the module is used by the encodings above
