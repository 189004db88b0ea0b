"""Spreadsheets and CSV files as schools send them, built in memory for tests."""

import io

import xlsxwriter

from tisheng.imports.tests.biff import xls_bytes

__all__ = ["csv_bytes", "xls_bytes", "xlsx_bytes"]


def xlsx_bytes(rows: list[list] | None = None, *, sheets: dict[str, list[list]] | None = None,
               hidden: tuple[str, ...] = ()) -> bytes:
    """A workbook; numbers are written as number cells (as Excel stores what is typed), text as text cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    for name, sheet_rows in (sheets or {"Sheet1": rows or []}).items():
        sheet = book.add_worksheet(name)
        if name in hidden:
            sheet.hide()
        for r, row in enumerate(sheet_rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    import csv

    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)
