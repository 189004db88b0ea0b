"""From uploaded bytes to a table of cleaned text with one column per declared field.

Formats are told apart by their first bytes, not by the file name: .xlsx (a zip), .xls (a compound file,
also what an encrypted .xlsx is), a web page saved as .xls, or text (CSV in UTF-8 with or without BOM,
UTF-16, GBK/GB18030; comma, tab or semicolon separated). Excel files are read by fastexcel with every cell
as text, so leading zeros and long numbers stay as written.

The header row is found by its content: within the first rows, the row naming the most declared columns
(by header or alias) is the header; rows above it (titles) are skipped. Every sheet whose header is found is
read (schools often keep one class per sheet); row numbers are those Excel shows, so users can find them.

Whatever is wrong with the file raises ``FileProblem`` with a message key; nothing else escapes.
"""

import codecs
import csv
import io
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import fastexcel
import polars as pl

from tisheng.imports.cleaning import clean_frame, clean_text, header_key
from tisheng.imports.spec import ImportSpec

MAX_BYTES = 40 * 1024 * 1024
MAX_ROWS = 300_000
MAX_UNZIPPED = 1024 * 1024 * 1024  # a zip bomb is refused before it is opened
HEADER_SCAN_ROWS = 20
PREVIEW_ROWS = 20

XLSX, XLS, CSV = "xlsx", "xls", "csv"
_BIFF8_GLOBALS_BOF = bytes.fromhex("0908100000060500")  # record 0x0809, 16 bytes, BIFF8, workbook globals


class FileProblem(Exception):
    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass
class Table:
    frame: pl.DataFrame  # one String column per field present, plus _row (Int64) and _sheet (String or null)
    labels: dict[str, str]  # field → header as written in the file
    ignored: list[str] = field(default_factory=list)  # headers not recognised
    sheets: list[str] = field(default_factory=list)
    format: str = ""

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.labels)


def sniff(data: bytes) -> str:
    if not data.strip():
        raise FileProblem("file_empty")
    if data.startswith(b"PK\x03\x04"):
        return XLSX
    if data.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):
        # An encrypted .xlsx is a compound file holding an "EncryptionInfo" stream; an encrypted .xls has a
        # FILEPASS record (0x002F) right after the BOF record of its workbook globals.
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise FileProblem("file_password")
        bof = data.find(_BIFF8_GLOBALS_BOF)
        if bof >= 0 and data[bof + 20:bof + 22] == b"\x2f\x00":
            raise FileProblem("file_password")
        return XLS
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table", b"mime-version")) or b"<html" in head:
        raise FileProblem("file_html")
    if data.startswith((b"%PDF", b"\x1f\x8b", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf")):
        raise FileProblem("file_not_spreadsheet")
    return CSV


def read_table(data: bytes, spec: ImportSpec) -> Table:
    """The file's data rows under the declared fields, or ``FileProblem``."""
    kind, sheets = raw_sheets(data, number_cells=any(c.parser.identifier for c in spec.columns))
    table = _assemble(sheets, spec)
    table.format = kind
    return table


def raw_sheets(
    data: bytes, number_cells: bool = False
) -> tuple[str, list[tuple[str | None, pl.DataFrame, tuple["NumberCells", int] | None]]]:
    """The file's format and its visible sheets as read, every cell text, columns ``c0``, ``c1`` …: for a
    declaration's own reader (``ImportSpec.read``). With ``number_cells``, each sheet of a workbook comes with
    the means to tell which of its cells Excel stored as numbers. Raises ``FileProblem`` like ``read_table``."""
    if len(data) > MAX_BYTES:
        raise FileProblem("file_too_big", max_mb=MAX_BYTES // (1024 * 1024))
    kind = sniff(data)
    if kind == CSV:
        return kind, [(None, _csv_frame(_decode(data)), None)]
    return kind, _excel_sheets(data, kind, number_cells)


# --- text files --------------------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]  # GB18030 is a superset of GBK and GB2312
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\0" in text:
            raise FileProblem("file_not_spreadsheet")
        return text
    raise FileProblem("file_encoding")


def _csv_frame(text: str) -> pl.DataFrame:
    lines = text.splitlines()[:HEADER_SCAN_ROWS]
    delimiter = max([",", "\t", ";"], key=lambda d: sum(line.count(d) for line in lines))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileProblem("file_unreadable") from exc
    if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
        raise FileProblem("file_too_many_rows", rows=len(rows), max_rows=MAX_ROWS)
    width = max((len(r) for r in rows), default=0)
    columns = [[row[j] if j < len(row) else None for row in rows] for j in range(width)]
    return pl.DataFrame({f"c{j}": pl.Series(col, dtype=pl.String) for j, col in enumerate(columns)})


# --- workbooks ---------------------------------------------------------------------------------------------
def _library_call(function, *args, **kwargs):
    """Call into fastexcel, turning its errors, and the panics of the Rust reader underneath, into FileProblem."""
    try:
        return function(*args, **kwargs)
    except FileProblem:
        raise
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise FileProblem("file_password") from exc
        raise FileProblem("file_unreadable") from exc


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise FileProblem("file_too_big", max_mb=MAX_BYTES // (1024 * 1024))
    except FileProblem:
        raise
    except Exception as exc:  # a damaged archive raises many kinds (BadZipFile, NotImplementedError, struct.error…)
        raise FileProblem("file_unreadable") from exc
    if not any(name.startswith("xl/") for name in names):
        raise FileProblem("file_not_spreadsheet")  # a Word document, an .ods, a zip of files


def _excel_sheets(data: bytes, kind: str, number_cells: bool) -> list:
    if kind == XLSX:
        _check_zip(data)
    reader = _library_call(fastexcel.read_excel, data)
    names = _library_call(lambda: list(reader.sheet_names))
    numbers = NumberCells(data, len(names)) if number_cells else None
    sheets = []
    for index, name in enumerate(names):
        sheet = _library_call(reader.load_sheet, index, header_row=None, skip_rows=0, dtypes="string")
        if _library_call(lambda s=sheet: s.visible) != "visible":
            continue
        if sheet.height > MAX_ROWS + HEADER_SCAN_ROWS:
            raise FileProblem("file_too_many_rows", rows=sheet.height, max_rows=MAX_ROWS)
        frame = _library_call(sheet.to_polars)
        frame = frame.rename({old: f"c{j}" for j, old in enumerate(frame.columns)})
        sheets.append((name, frame, (numbers, index) if numbers else None))
    return sheets


# Threads that read number cells beside the text of the workbooks being read (fastexcel lets go of the GIL).
_NUMBER_READER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="excel-numbers")


class NumberCells:
    """Which cells of a workbook Excel stored as numbers, read in a thread while the text is read and cleaned.

    fastexcel gives a cell's type only through the value it converts to: forced to booleans, only number
    cells read as one. That is a second read of the sheet, as long as the first (one reader cannot serve two
    threads, so the thread opens its own); run beside it, the wait costs a second core instead of the time.
    """

    def __init__(self, data: bytes, sheets: int):
        self._future: Future = _NUMBER_READER.submit(self._read, data, sheets)

    @staticmethod
    def _read(data: bytes, sheets: int) -> list[pl.DataFrame | None]:
        try:
            reader = _library_call(fastexcel.read_excel, data)
        except FileProblem:
            return [None] * sheets
        return [NumberCells._flags(reader, index) for index in range(sheets)]

    @staticmethod
    def _flags(reader, index: int) -> pl.DataFrame | None:
        try:
            return _library_call(
                lambda: reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="boolean").to_polars()
            )
        except FileProblem:
            return None

    def column(self, index: int, column: int, height: int) -> pl.Series | None:
        """The flags of one column (None if they cannot be had: then no cell is taken for a number)."""
        frame = self._future.result()[index]
        if frame is None or column >= frame.width or frame.height != height:
            return None
        return frame.to_series(column).is_not_null()


def _excel_display(number_text: pl.Expr) -> pl.Expr:
    """A long integer as Excel's General format shows it: 110101201205060000 → 1.10101E+17."""
    digits = number_text.str.len_chars()
    mantissa = pl.concat_str(number_text.str.slice(0, 1), pl.lit("."), number_text.str.slice(1, 5))
    return pl.concat_str(mantissa, pl.lit("E+"), (digits - 1).cast(pl.String))


# --- header and assembly -----------------------------------------------------------------------------------
def _header_lookup(spec: ImportSpec) -> dict[str, str]:
    lookup = {}
    for column in spec.columns:
        for text in (column.header, *column.aliases):
            lookup.setdefault(header_key(text), column.name)
    return lookup


def _find_header(frame: pl.DataFrame, lookup: dict[str, str]) -> tuple[int, list[str]] | None:
    best, best_row, best_cells = 0, None, []
    for i, row in enumerate(frame.head(HEADER_SCAN_ROWS).iter_rows()):
        cells = [clean_text(c) for c in row]
        found = {lookup[k] for c in cells if (k := header_key(c)) in lookup}
        if len(found) > best:
            best, best_row, best_cells = len(found), i, cells
    needed = min(2, len(set(lookup.values())))
    return (best_row, best_cells) if best_row is not None and best >= needed else None


def _assemble(sheets, spec: ImportSpec) -> Table:
    lookup = _header_lookup(spec)
    parts, labels, ignored, used, fields_by_sheet = [], {}, [], [], {}
    for name, frame, source in sheets:
        found = _find_header(frame, lookup)
        if found is None:
            continue
        header_row, cells = found
        mapping: dict[str, int] = {}
        sheet_labels: dict[str, str] = {}
        for j, text in enumerate(cells):
            field_name = lookup.get(header_key(text))
            if field_name is None:
                if text:
                    ignored.append(text)
            elif field_name in mapping:
                raise FileProblem("duplicate_column", first=sheet_labels[field_name], second=text)
            else:
                mapping[field_name] = j
                sheet_labels[field_name] = text
        missing = [c.header for c in spec.columns if c.required and c.name not in mapping]
        if missing:
            raise FileProblem("missing_columns", columns="、".join(missing))
        data = frame.slice(header_row + 1)
        order = [c.name for c in spec.columns if c.name in mapping]  # the same column order in every sheet
        part = clean_frame(data.select(pl.col(f"c{mapping[f]}").alias(f) for f in order)).with_columns(
            pl.int_range(header_row + 2, header_row + 2 + data.height, dtype=pl.Int64).alias("_row"),
            pl.lit(name, dtype=pl.String).alias("_sheet"),
        )
        if source is not None:
            part = _mark_excel_numbers(part, spec, mapping, source, header_row, frame.height)
        part = part.filter(pl.any_horizontal(pl.col(f).is_not_null() for f in mapping))
        fields_by_sheet[name] = set(mapping)
        for field_name, text in sheet_labels.items():
            labels.setdefault(field_name, text)
        used.append(name)
        parts.append(part)
    if not parts:
        expected = "、".join(c.header for c in spec.columns if c.required) or spec.columns[0].header
        raise FileProblem("no_header", scan=HEADER_SCAN_ROWS, expected=expected)
    first = used[0]
    for name in used[1:]:
        if fields_by_sheet[name] != fields_by_sheet[first]:
            differing = fields_by_sheet[name] ^ fields_by_sheet[first]
            columns = "、".join(spec.column(f).header for f in sorted(differing))
            raise FileProblem("sheets_differ", sheet=name, other=first, columns=columns)
    frame = pl.concat(parts, how="vertical")
    if len(used) == 1:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("_sheet"))
    if frame.height > MAX_ROWS:
        raise FileProblem("file_too_many_rows", rows=frame.height, max_rows=MAX_ROWS)
    if frame.height == 0:
        raise FileProblem("no_rows")
    return Table(frame=frame, labels=labels, ignored=ignored, sheets=[n for n in used if n], format="")


_LONG_NUMBER = r"^[0-9]{16,}$"


def _mark_excel_numbers(part, spec, mapping, source, header_row, height):
    """Show identifier cells that Excel stored as numbers of 16+ digits (digits lost) as Excel displays them."""
    for field_name, j in mapping.items():
        if not spec.column(field_name).parser.identifier:
            continue
        if not part.select(pl.col(field_name).str.contains(_LONG_NUMBER).any()).item():
            continue
        numbers, index = source
        flags = numbers.column(index, j, height)
        if flags is None:
            continue
        numeric = flags.slice(header_row + 1)
        part = part.with_columns(
            pl.when(pl.lit(numeric) & pl.col(field_name).str.contains(_LONG_NUMBER))
            .then(_excel_display(pl.col(field_name)))
            .otherwise(pl.col(field_name))
            .alias(field_name)
        )
    return part


def preview(table: Table, rows: int = PREVIEW_ROWS) -> dict:
    """The first rows as read, for the preview page (JSON-ready)."""
    fields = list(table.labels)
    head = table.frame.head(rows)
    return {
        "columns": [{"field": f, "header": table.labels[f]} for f in fields],
        "ignored": table.ignored,
        "sheets": table.sheets,
        "format": table.format,
        "rows": [
            {"row": r["_row"], "sheet": r["_sheet"], "cells": [r[f] for f in fields]}
            for r in head.iter_rows(named=True)
        ],
    }
