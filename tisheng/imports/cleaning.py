"""Cell and header text as people type it into Excel, made comparable.

Full-width letters, digits and punctuation (Ａ１（）：, typed with a Chinese input method) become half-width,
the ideographic space and no-break space become spaces, zero-width characters go, runs of spaces collapse,
and a blank cell becomes null. ``clean_frame`` is vectorised (100,000 rows × 14 columns in a fraction of a
second); ``clean_text`` does the same for the few header cells.
"""

import re

import polars as pl

# U+FF01..U+FF5E are the full-width forms of ASCII ! .. ~; then spaces that are not U+0020, and invisible marks.
_FULL = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000", "\u00a0", "\u2002", "\u2003"]
_HALF = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" ", " ", " ", " "]
_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
_FULL_TABLE = str.maketrans({**dict(zip(_FULL, _HALF, strict=True)), **dict.fromkeys(_INVISIBLE, "")})
_MESSY_SPACE = r"\s\s|[^\S ]"  # two spaces in a row, or a tab, a line break, another kind of space


def clean_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column cleaned. Collapsing runs of spaces is a regular expression, the slow part: it runs only on
    the columns that have any."""
    frame = frame.with_columns(
        pl.all().str.replace_many(_FULL + _INVISIBLE, _HALF + [""] * len(_INVISIBLE)).str.strip_chars()
    )
    messy = frame.select(pl.all().str.contains(_MESSY_SPACE).any()).row(0, named=True)
    spaced = [name for name, has in messy.items() if has]
    if spaced:
        frame = frame.with_columns(pl.col(spaced).str.replace_all(r"\s+", " "))
    return frame.with_columns(pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in frame.columns)


def clean_text(value: str | None) -> str:
    """The same cleaning for one Python string (headers, titles)."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value).translate(_FULL_TABLE)).strip()


# A header may carry a required-mark or a note: "学籍号*", "出生日期（格式：2012-09-01）", "姓名(必填)".
_HEADER_NOTE = re.compile(r"\(.*\)$|\[.*\]$|【.*】$")


def header_key(value: str | None) -> str:
    """What two headers must share to mean the same column."""
    text = clean_text(value)
    text = _HEADER_NOTE.sub("", text)
    text = text.replace("*", "").replace("※", "")
    return re.sub(r"\s+", "", text).casefold()
