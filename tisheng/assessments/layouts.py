"""What the score files of marking systems look like, and how their columns map to a paper
(``reference/import_layouts.md`` §1 and §4).

``analyse(data)`` finds, in each sheet, the header row by its words (学籍号, 姓名, 班级, 总分 …, or item numbers),
and a second header row above or below it (a group row such as 客观题/主观题 or 语文/数学 with merged cells,
filled forward; or the item numbers under a merged 题号 cell). Each column gets one label, "客观题|1" when both
rows say something. ``suggest(layout, paper or papers)`` maps labels to the import's fields; the user checks
the mapping on the page, and it is remembered for the layout (``signature``).

Fields of a mapping: ``student_no``, ``name``, ``class_name``, ``status``, ``total``, ``objective``,
``subjective``, ``item:<position>`` (one column per item, one row per student), ``item_label`` + ``score`` (one
row per student and item), ``subject:<subject id>`` (subject totals, one column per paper). Items and
subjects are named by position and subject, not by database id, so that a remembered mapping serves the
next paper of the same layout.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import polars as pl

from tisheng.imports.cleaning import clean_text

HEADER_SCAN_ROWS = 20

IDENTITY = {
    "student_no": ("学籍号", "全国学籍号", "学生学籍号", "学号", "个人标识码", "身份证号", "身份证件号"),
    "name": ("姓名", "学生姓名", "考生姓名"),
    "class_name": ("班级", "班别", "行政班", "教学班", "班级名称", "班次名称"),
    "status": ("状态", "考试状态", "参考状态", "备注"),
}
# 考号 and 准考证号 are the marking system's own numbers, unknown to the roster: not a way to find a pupil.
EXAM_NUMBERS = ("考号", "考试号", "准考证号", "自定义考号")
TOTALS = {
    "total": ("总分", "总成绩", "成绩", "得分", "分数", "卷面分", "原始分", "总得分"),
    "objective": ("客观分", "客观题", "客观题得分", "客观总分", "选择题得分", "客观题总分"),
    "subjective": ("主观分", "主观题", "主观题得分", "主观总分", "非选择题得分", "主观题总分"),
}
LONG = {"item_label": ("题号", "小题", "题目", "题目编号", "小题号"), "score": ("得分", "小题得分", "分数", "小题分")}
# Columns a marking system adds that the import does not take (ranks are never imported: R-ACC-4).
IGNORED = ("序号", "联考排名", "学校排名", "班级排名", "校次", "班次", "校次进退步", "班次进退步", "年级排名", "年级名次",
           "班名", "班排", "校名", "校排", "级名", "级排", "排名", "名次", "等级", "标签", "学生属性", "赋分")
# Cells that mean "no score": absent, not scanned, not ranked (import_layouts.md §1.1, §4.3).
ABSENT_MARKS = ("缺考", "缺", "未扫", "未扫描", "不计排名", "缺考,不计排名", "缺考，不计排名", "-", "--", "—", "/")
SUMMARY_ROWS = ("合计", "总计", "平均分", "平均", "最高分", "最低分", "参考人数", "实考人数", "未交名单", "统计")


def _key(text: str) -> str:
    return re.sub(r"\s+", "", clean_text(text)).casefold()


_CN_DIGITS = "一二三四五六七八九十"


def item_key(label: str) -> str | None:
    """The comparable form of an item header, or None when it is no item: 1, 1.0, 第1题, 26(1), 26（1）, 26-1,
    一.1, 三.16.2 → "1", "1", "1", "26(1)", "26(1)", "26(1)", "一.1", "三.16.2"."""
    text = _key(label)
    text = re.sub(r"^第(.+?)(小)?题$", r"\1", text)
    text = re.sub(r"(小)?题$", "", text)
    if re.fullmatch(r"[0-9]+\.0+", text):
        return text.split(".")[0]
    if re.fullmatch(r"[0-9]{1,3}", text):
        return str(int(text))
    m = re.fullmatch(r"([0-9]{1,3})[-_(]([0-9]{1,2})\)?", text)
    if m:
        return f"{int(m.group(1))}({int(m.group(2))})"
    if re.fullmatch(rf"[{_CN_DIGITS}]+\.[0-9]{{1,3}}(\.[0-9]{{1,2}})*", text):
        return text
    return None


@dataclass
class Sheet:
    name: str | None
    index: int
    header_rows: list[int]  # 0-based rows of the sheet that form the header (1 or 2)
    labels: list[str]  # one per column
    samples: list[list[str]]  # the first data rows, as text
    rows: int  # data rows (below the header)


@dataclass
class Layout:
    sheets: list[Sheet] = field(default_factory=list)

    def sheet(self, name: str | None) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), self.sheets[0] if self.sheets and name is None else None)


def _words(cells: list[str]) -> int:
    """How many different header words a row holds (a metric row repeats 分数 under every subject: one word)."""
    known = {_key(w) for group in (IDENTITY, TOTALS, LONG) for words in group.values() for w in words}
    known |= {_key(w) for w in EXAM_NUMBERS}
    return len({_key(c) for c in cells if _key(c) in known})


def _items(cells: list[str]) -> int:
    return sum(1 for c in cells if c and item_key(c) is not None)


_METRICS = {_key(w) for words in (*TOTALS.values(), LONG["score"], IGNORED) for w in words}


def _sub_header(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and all(item_key(c) is not None or _key(c) in _METRICS for c in filled)


def _filled(cells: list[str]) -> list[str]:
    """A group row with merged cells: each label carried right over the empty cells of its group."""
    out, last = [], ""
    for c in cells:
        last = c or last
        out.append(last)
    return out


def header_of(frame: pl.DataFrame) -> tuple[list[int], list[str]] | None:
    """The header rows of a sheet and one label per column, or None when no header is recognised."""
    rows = [[clean_text(c) for c in row] for row in frame.head(HEADER_SCAN_ROWS).iter_rows()]
    scored = [(_words(r) + min(_items(r), 3), i) for i, r in enumerate(rows)]
    best, at = max(scored, default=(0, None), key=lambda p: (p[0], -p[1]))
    if at is None or best < 2:
        return None
    main = rows[at]
    below = rows[at + 1] if at + 1 < len(rows) else []
    above = rows[at - 1] if at > 0 else []
    # Items or metrics under merged cells (客观题 over 1 2 3 …, 语文 over 得分 校次 …): the row below says
    # something only where this one is empty or a group, and only item numbers or metric words.
    if below and _sub_header(below) and any(not m and b for m, b in zip(main, below, strict=False)):
        upper, lower, header_rows = _filled(main), below, [at, at + 1]
    # A group row above (语文 | 数学 …, or 客观题 | 主观题) over metric or item cells.
    elif above and sum(1 for c in above if c) >= 1 and _words(above) == 0 and _items(main) + _words(main) >= 2 and (
        sum(1 for c in above if c) < sum(1 for c in main if c)
    ) and not _is_title(above):
        upper, lower, header_rows = _filled(above), main, [at - 1, at]
    else:
        upper, lower, header_rows = [""] * len(main), main, [at]
    labels = []
    for j in range(len(lower)):
        u = upper[j] if j < len(upper) else ""
        low = lower[j]
        if u and low and u != low:
            labels.append(f"{u}|{low}")
        else:
            labels.append(low or u)
    return header_rows, labels


def _is_title(cells: list[str]) -> bool:
    """A title row: one text in the first cell (merged across), nothing else."""
    filled = [c for c in cells if c]
    return len(filled) == 1 and bool(cells) and cells[0] == filled[0] and len(filled[0]) > 8


def analyse(sheets: list[tuple[str | None, pl.DataFrame, object]]) -> Layout:
    layout = Layout()
    for index, (name, frame, _source) in enumerate(sheets):
        found = header_of(frame)
        if found is None:
            continue
        header_rows, labels = found
        data = frame.slice(header_rows[-1] + 1)
        samples = [[clean_text(c) for c in row] for row in data.head(5).iter_rows()]
        layout.sheets.append(Sheet(name=name, index=index, header_rows=header_rows, labels=labels,
                                   samples=samples, rows=data.height))
    return layout


def _last(label: str) -> str:
    return label.rsplit("|", 1)[-1]


def _match(label: str, table: dict[str, tuple[str, ...]]) -> str | None:
    key, last = _key(label), _key(_last(label))
    for field_name, words in table.items():
        if key in {_key(w) for w in words} or last in {_key(w) for w in words}:
            return field_name
    return None


def suggest(sheet: Sheet, *, items: list[tuple[int, str]] = (), papers: list[tuple[int, str]] = ()) -> dict[int, str]:
    """Column index → field, as far as the labels tell. ``items`` are (position, label) of the paper's items;
    ``papers`` (subject id, subject name) for a file of subject totals."""
    by_item = {item_key(label) or _key(label): position for position, label in items}
    subjects = {_key(name): pk for pk, name in papers}
    mapping: dict[int, str] = {}
    used: set[str] = set()

    def take(j: int, field_name: str) -> None:
        if field_name not in used:
            mapping[j] = field_name
            used.add(field_name)

    for j, label in enumerate(sheet.labels):
        if not label or any(_key(_last(label)) == _key(w) for w in IGNORED) or _key(label) in {_key(w) for w in EXAM_NUMBERS}:
            continue
        if found := _match(label, IDENTITY):
            take(j, found)
            continue
        if papers:
            group = _key(label.split("|", 1)[0])
            metric = _key(_last(label)) if "|" in label else ""
            if group in subjects and metric in ("", *map(_key, TOTALS["total"])):
                take(j, f"subject:{subjects[group]}")
            continue
        if items:
            key = item_key(_last(label)) or item_key(label)
            if key is not None and key in by_item:
                take(j, f"item:{by_item[key]}")
                continue
        if found := (_match(label, {"item_label": LONG["item_label"]}) or _match(label, TOTALS)
                     or _match(label, {"score": LONG["score"]})):
            take(j, found)
    # 题号 + 得分 is the long layout: its 得分 is an item's score, not the paper's total.
    if "item_label" in used and "total" in used and "score" not in used:
        j = next(k for k, v in mapping.items() if v == "total")
        mapping[j] = "score"
    return mapping


def signature(sheet: Sheet, *, items: list[tuple[int, str]] = (), papers: list[tuple[int, str]] = ()) -> str:
    """The same export of the same marking system for the same paper layout has the same signature."""
    data = {"labels": sheet.labels, "header_rows": len(sheet.header_rows),
            "items": [label for _position, label in items], "papers": [name for _pk, name in papers]}
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()
