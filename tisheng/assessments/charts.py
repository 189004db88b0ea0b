"""Chart data for the pages (ECharts, drawn by ``static/assessments/charts.js``), from stored result rows.

Each function returns a JSON-ready dict (or None when there is nothing to draw) for ``json_script``; labels are
in the interface language. Shares are percentages with one decimal.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def _pct(x) -> float | None:
    return None if x is None else round(100 * x, 1)


def bands(row, reference=None, names: tuple[str, str] = ("", "")) -> dict | None:
    """Score distribution: the share of pupils who sat in each band of the full mark, the row against its
    reference (a class against its school, a school against everybody)."""
    if row is None or not row.n_sat:
        return None
    counts = row.data.get("bands") or []
    k = len(counts)
    full = row.full_mark
    categories = [f"{full * i / k:g}–{full * (i + 1) / k:g}" for i in range(k)]
    series = [{"name": names[0] or _("This group"), "data": [_pct(c / row.n_sat) for c in counts]}]
    if reference is not None and reference.n_sat:
        ref = reference.data.get("bands") or []
        series.append({"name": names[1] or _("Comparison"), "data": [_pct(c / reference.n_sat) for c in ref]})
    return {"categories": categories, "series": series, "unit": "%", "x_name": pgettext("exam", "Score"),
            "title": _("Share of pupils in each score band")}


def boxplot(rows, name) -> dict | None:
    """Parallel groups side by side: minimum, quartiles, median, maximum, and the mean."""
    rows = [r for r in rows if r.n_sat]
    if not rows:
        return None
    boxes = []
    for r in rows:
        p = r.data.get("percentiles") or {}
        boxes.append([r.data.get("min"), p.get("p25"), p.get("p50"), p.get("p75"), r.data.get("max")])
    return {"categories": [name(r) for r in rows], "boxes": boxes, "means": [round(r.mean, 1) for r in rows],
            "mean_name": _("Mean"), "full_mark": rows[0].full_mark}


def item_difficulty(group_rows, all_rows) -> dict | None:
    group = {r.item_id: r for r in group_rows}
    everybody = sorted(all_rows, key=lambda r: r.item.position)
    if not everybody:
        return None
    return {
        "categories": [r.item.label for r in everybody],
        "series": [
            {"name": _("This class"), "data": [_pct(group[r.item_id].difficulty) if r.item_id in group else None for r in everybody]},
            {"name": _("Everybody"), "data": [_pct(r.difficulty) for r in everybody]},
        ],
        "unit": "%", "x_name": pgettext("exam", "Item"), "title": _("Score rate per item"),
    }


def kp_bars(group_rows, all_rows) -> dict | None:
    group = {r.knowledge_point_id: r for r in group_rows}
    everybody = sorted(all_rows, key=lambda r: r.knowledge_point.code)
    if not everybody:
        return None
    return {
        "categories": [r.knowledge_point.name for r in everybody],
        "series": [
            {"name": _("This class"), "data": [_pct(group[r.knowledge_point_id].mastery) if r.knowledge_point_id in group else None
                                               for r in everybody]},
            {"name": _("Everybody"), "data": [_pct(r.mastery) for r in everybody]},
        ],
        "unit": "%", "x_name": _("Knowledge point"), "title": _("Mastery of each knowledge point"),
    }


def scatter(rows) -> dict | None:
    """Items by difficulty (score rate) and discrimination, with the Ebel line of poor discrimination."""
    points = [[round(r.difficulty, 3), round(r.discrimination, 3), r.item.label, r.poor]
              for r in rows if r.difficulty is not None and r.discrimination is not None]
    if not points:
        return None
    return {"points": points, "x_name": _("Difficulty (score rate)"), "y_name": _("Discrimination"),
            "poor_line": 0.2, "item": pgettext("exam", "Item")}


def heatmap(kp_rows) -> dict | None:
    """Classes × knowledge points, the mastery in each cell."""
    rows = list(kp_rows)
    if not rows:
        return None
    classes = sorted({(r.school_class.school.code, r.school_class.grade, r.school_class.number, r.school_class_id,
                       f"{r.school_class.school.name} {r.school_class.name}") for r in rows})
    points = sorted({(r.knowledge_point.code, r.knowledge_point_id, r.knowledge_point.name) for r in rows})
    y = {c[3]: i for i, c in enumerate(classes)}
    x = {p[1]: i for i, p in enumerate(points)}
    cells = [[x[r.knowledge_point_id], y[r.school_class_id], _pct(r.mastery)] for r in rows if r.mastery is not None]
    several_schools = len({c[0] for c in classes}) > 1
    return {"x": [p[2] for p in points], "y": [c[4] if several_schools else c[4].split(" ", 1)[1] for c in classes],
            "cells": cells, "unit": "%", "title": _("Mastery of knowledge points by class")}
