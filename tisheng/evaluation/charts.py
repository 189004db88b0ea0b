"""Chart data for the pages (ECharts, drawn by ``static/evaluation/charts.js``), from stored rows.

JSON-ready dicts for ``json_script``; labels in the interface language; None when there is nothing to draw.
"""

from django.utils.translation import gettext as _

from tisheng.evaluation.models import ValueAddedRun
from tisheng.evaluation.present import caption


def caterpillar(run: ValueAddedRun, rows: list[dict], level: str) -> dict | None:
    """Each group's estimate with its interval, highest first; groups too small to judge at the end, labelled
    as such and without a point (they are not placed among the others)."""
    if not rows:
        return None
    judged = [r for r in rows if not r["row"].too_small]
    small = [r for r in rows if r["row"].too_small]
    return {
        "categories": [r["name"] for r in judged] + [
            _("%(name)s (too few pupils)") % {"name": r["name"]} for r in small],
        "points": [[round(r["row"].estimate, 2), round(r["row"].lower, 2), round(r["row"].upper, 2), r["row"].reading,
                    r["row"].n] for r in judged] + [None] * len(small),
        "x_name": _("Value-added (score points) with its %(level)s%% interval") % {"level": f"{run.level * 100:g}"},
        "reference": 0,
        "labels": {"estimate": _("Estimate"), "interval": _("Interval"), "n": _("Pupils")},
        "caption": caption(run),
        "level": level,
        "height": max(220, 80 + 26 * len(rows)),
    }


def sgp_histogram(pupils) -> dict | None:
    """How many pupils of the class grew in each tenth of growth percentiles (a flat bar = typical growth)."""
    values = [p.sgp for p in pupils if p.sgp is not None]
    if not values:
        return None
    counts = [0] * 10
    for v in values:
        counts[min((v - 1) // 10, 9)] += 1
    return {"categories": [f"{10 * i + 1}–{10 * i + 10}" for i in range(10)], "counts": counts,
            "x_name": _("Growth percentile"), "y_name": _("Pupils")}
