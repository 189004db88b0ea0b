"""What can be wrong with an uploaded file or one of its cells, in words a school's office staff understand.

An error is stored as data, ``{"row", "sheet", "column", "key", "params"}``, and rendered in the viewer's
language when shown: the same batch reads in Chinese for one user and in English for another. Each message
says what is wrong and what to do. ``%(column)s`` is the column's header as written in the file;
``%(value)s`` is the cell as read.

A declaration may add its own keys (``ImportSpec.messages``); the keys here serve every import.
"""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # --- the file as a whole ---------------------------------------------------------------------------
    "file_empty": _("The file is empty. Choose the filled-in file and upload it again."),
    "file_removed": _(
        "This file was not imported and has been removed, as uploaded files are kept only for a while "
        "(they hold pupils' personal data). To import it, upload it again."
    ),
    "file_too_big": _(
        "The file is larger than %(max_mb)s MB. Delete unused sheets and pictures, or split it into several files."
    ),
    "file_not_spreadsheet": _(
        "This file is not an Excel workbook or a CSV file. Upload a .xlsx, .xls or .csv file "
        "(download the template to start from one)."
    ),
    "file_html": _(
        "This file is a web page saved with an Excel name, not a real workbook. Open it in Excel or WPS, "
        "save it as .xlsx (Excel workbook) and upload that file."
    ),
    "file_password": _(
        "The workbook is protected with a password, so it cannot be read. Open it in Excel or WPS, remove the "
        "password, save it and upload it again."
    ),
    "file_encoding": _(
        "The CSV file is neither UTF-8 nor GBK text. In Excel or WPS, save it as “CSV UTF-8” or as .xlsx and "
        "upload it again."
    ),
    "file_unreadable": _(
        "The file could not be read; it may be damaged or in an unusual format. Open it in Excel or WPS, save "
        "it again as .xlsx and upload the new file."
    ),
    "file_too_many_rows": _(
        "The file has %(rows)s rows, more than the %(max_rows)s that one import takes. Split it into several files."
    ),
    "no_header": _(
        "No header row was found in the first %(scan)s rows. The header row names the columns, for example "
        "%(expected)s. Download the template to see the layout."
    ),
    "missing_columns": _(
        "Required columns are missing: %(columns)s. Add them with these names (the template has them all)."
    ),
    "duplicate_column": _(
        "The columns “%(first)s” and “%(second)s” mean the same thing. Keep one of them and delete the other."
    ),
    "sheets_differ": _(
        "The sheets “%(sheet)s” and “%(other)s” have different columns (%(columns)s). Give every sheet the same "
        "columns, or upload the sheets as separate files."
    ),
    "no_rows": _("The file has a header row but no data under it. Fill in at least one row."),
    "internal": _(
        "Something went wrong while processing the file, and nothing was saved. Try again; if it happens "
        "again, tell the system administrator (import no. %(batch)s)."
    ),
    # --- one cell ------------------------------------------------------------------------------------------
    "required": _("%(column)s is empty. Fill it in."),
    "too_long": _("“%(value)s” is too long: %(column)s takes at most %(max_length)s characters."),
    "excel_number": _(
        "“%(value)s” was stored by Excel as a number, which keeps only 15 digits: the last digits are already "
        "lost. Set the column's format to Text, type the full number again and upload the file."
    ),
    "decimal_point": _("“%(value)s” has a decimal point, but %(column)s has only digits and letters. Check the cell."),
    "identifier_characters": _("“%(value)s” may contain only digits, letters and hyphens. Remove the other characters."),
    "id_card_length": _("“%(value)s” is not an ID card number: it must have 18 characters. Check the number."),
    "id_card_characters": _(
        "“%(value)s” is not an ID card number: it has 17 digits followed by a digit or X. Check the number."
    ),
    "id_card_birth_date": _(
        "The birth date inside the ID card number “%(value)s” is not a real date. Check the 7th to 14th digits."
    ),
    "id_card_check_digit": _(
        "The last character of the ID card number “%(value)s” does not match the others, so the number has a "
        "typing mistake. Compare it with the ID card or the household register."
    ),
    "choice": _("“%(value)s” is not allowed in %(column)s. Write one of: %(choices)s."),
    "date": _("“%(value)s” is not a date. Write it like 2012-09-01."),
    "date_range": _("%(value)s is not plausible for %(column)s: it must lie between %(earliest)s and %(latest)s."),
    "integer": _("“%(value)s” is not a whole number. Write digits only."),
    "number": _("“%(value)s” is not a number. Write digits, with a decimal point if needed."),
    "decimals": _("“%(value)s” has too many decimal places: at most %(places)s."),
    "out_of_range": _("%(value)s is outside the allowed range for %(column)s (%(min)s to %(max)s)."),
    "phone": _("“%(value)s” is not a telephone number. Write 7 to 20 digits; a hyphen or a leading + is allowed."),
    # --- rows against each other and against the database ---------------------------------------------
    "duplicate_row": _("This row repeats row %(other_row)s exactly. Delete one of the two."),
    "duplicate_key": _(
        "%(column)s “%(value)s” also appears in row %(other_row)s. Each may appear only once: delete or "
        "correct one of the rows."
    ),
    "needs_other": _("%(column)s is filled in, but %(other)s is empty. Fill in both, or neither."),
    "id_birth_mismatch": _(
        "The birth date %(value)s does not match the ID card number, which says %(expected)s. Correct one of them."
    ),
    "id_sex_mismatch": _(
        "The sex “%(value)s” does not match the ID card number, which says %(expected)s. Correct one of them."
    ),
    "school_missing": _(
        "No school is given for this row. Choose a school on the upload page, or add a 学校 column."
    ),
    "unknown_school": _(
        "There is no school “%(value)s” among the schools you may import into. Check the school's name or "
        "its 10-digit code (学校标识码)."
    ),
    "grade_format": _("“%(value)s” is not a grade. Write 一年级 to 九年级, 初一 to 初三, or a number from 1 to 9."),
    "class_format": _(
        "“%(value)s” is not a class. Write it like 七年级3班, 七(3)班, or 3班 together with a 年级 column."
    ),
    "class_needs_grade": _(
        "“%(value)s” does not say which grade. Write it like 七年级3班, or add a 年级 column."
    ),
    "grade_mismatch": _("The class “%(value)s” names a different grade than the 年级 column (%(grade)s). Correct one."),
    "unknown_class": _(
        "There is no class %(value)s at %(school)s in the %(year)s school year. Create the class first, or check "
        "the grade and class number."
    ),
    "unknown_subject": _("There is no subject “%(value)s”. Write one of: %(choices)s."),
    "class_subject_needed": _(
        "“%(value)s” does not say which subject is taught there, and the teacher has several. Write the subject "
        "before the class, like 数学:七年级3班."
    ),
    "key_elsewhere": _(
        "%(column)s “%(value)s” is already registered at another school. Someone who changes school is moved "
        "by the education bureau (转学 or 调动); ask them, or check the number."
    ),
}


class SafeParams(dict):
    """Message parameters that render a missing one as empty rather than failing."""

    def __missing__(self, key):
        return ""


def render(key: str, params: dict, extra_messages: dict | None = None) -> str:
    """One error's message in the active language."""
    template = (extra_messages or {}).get(key) or MESSAGES.get(key)
    if template is None:
        return key
    try:
        return str(template) % SafeParams(params)
    except (TypeError, ValueError):
        return str(template)


class ShownError(dict):
    """One error ready to show: ``row`` ("12", or "12（七1班）" with sheets), ``column``, ``value``, ``message``."""

    __getattr__ = dict.__getitem__


def shown_errors(batch, limit: int | None = None) -> list[ShownError]:
    """A batch's stored errors in the active language, with the columns named as the file names them."""
    spec = batch.spec
    headers = {c.name: c.header for c in spec.columns} if spec else {}
    labels = {**headers, **{c["field"]: c["header"] for c in (batch.preview or {}).get("columns", [])}}
    extra = spec.messages if spec else None
    shown = []
    for error in batch.errors[:limit]:
        column = labels.get(error.get("column") or "", "")
        params = {**error.get("params", {}), "column": column}
        row = error.get("row")
        sheet = error.get("sheet")
        shown.append(ShownError(
            row="" if row is None else (f"{row}（{sheet}）" if sheet else str(row)),
            column=column,
            value=params.get("value", ""),
            key=error.get("key", ""),
            message=render(error.get("key", ""), params, extra),
        ))
    return shown
