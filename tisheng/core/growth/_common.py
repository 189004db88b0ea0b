"""Shared pieces of the value-added models: input handling, intervals, readings, result descriptions.

Everything here is a pure function of its arguments; nothing reads the clock unless the caller leaves ``as_of``
empty (then the description records today's date, the one input that is not data).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

#: Version of the formulas in this package; goes into every result description.
METHOD_VERSION = "tisheng.core.growth/1"

#: Default minimum number of students in a group before an estimate is reported (exam_analysis.md §5).
DEFAULT_MIN_GROUP_SIZE = 10

#: Default confidence level of every group interval.
DEFAULT_LEVEL = 0.95

# Reading codes, in the order a table would sort them.
ABOVE = "above"
NOT_DIFFERENT = "not_different"
BELOW = "below"
TOO_SMALL = "too_small"

STATUS_OK = "ok"
STATUS_TOO_SMALL = "too_small"

# Why data cannot carry a model (CannotFit.reason).
TOO_FEW_STUDENTS = "too_few_students"  # params: n, coefficients
TOO_FEW_GROUPS = "too_few_groups"  # params: group (the column), units
COLLINEAR = "collinear"  # a prior or covariate is constant, or one is a combination of others
TOO_FEW_VALUES = "too_few_values"  # a prior takes too few distinct values for the splines


class CannotFit(ValueError):
    """The data cannot carry the model (not a mistake in the call): ``reason`` says why, a key the application
    words in its reader's language, with the numbers in ``params``."""

    def __init__(self, reason: str, message: str, **params):
        super().__init__(message)
        self.reason, self.params = reason, params


def as_frame(data: pl.DataFrame | Mapping[str, Any]) -> pl.DataFrame:
    """A Polars frame from a frame or a mapping of column name -> 1-d array/sequence."""
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, Mapping):
        return pl.DataFrame({k: np.asarray(v) if not isinstance(v, pl.Series) else v for k, v in data.items()})
    raise TypeError("data must be a polars.DataFrame or a mapping of column name to array")


def as_names(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def drop_incomplete(frame: pl.DataFrame, columns: Sequence[str]) -> tuple[pl.DataFrame, int]:
    """Listwise deletion over ``columns`` (nulls and NaN); returns the frame and how many rows were dropped."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in data: {missing}")
    sub = frame.select(list(dict.fromkeys(columns)))
    keep = ~pl.any_horizontal([pl.col(c).is_null() for c in sub.columns])
    float_cols = [c for c, t in sub.schema.items() if t.is_float()]
    if float_cols:
        keep = keep & ~pl.any_horizontal([pl.col(c).is_nan() for c in float_cols])
    out = sub.filter(keep)
    return out, frame.height - out.height


def design_matrix(
    frame: pl.DataFrame, priors: Sequence[str], covariates: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """X = [1, priors, covariates] with R's default treatment coding for text/boolean/categorical covariates.

    A non-numeric covariate c with sorted levels l_1 < l_2 < ... gets one 0/1 column per level after the first,
    named ``c + level`` as R names them (``genderM``), so coefficients line up with ``lm``/``lmer`` output.
    """
    cols = [np.ones(frame.height)]
    names = ["(Intercept)"]
    for c in priors:
        s = frame[c]
        if not s.dtype.is_numeric():
            raise TypeError(f"prior score column {c!r} must be numeric")
        cols.append(s.cast(pl.Float64).to_numpy())
        names.append(c)
    for c in covariates:
        s = frame[c]
        if s.dtype.is_numeric():
            cols.append(s.cast(pl.Float64).to_numpy())
            names.append(c)
            continue
        if s.dtype == pl.Boolean:
            s = s.cast(pl.String).str.to_uppercase()  # FALSE < TRUE as in R
        values = s.cast(pl.String).to_numpy()
        levels = sorted(set(values.tolist()))
        for lev in levels[1:]:
            cols.append((values == lev).astype(float))
            names.append(f"{c}{lev}")
    X = np.column_stack(cols)
    return X, names


def z_value(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    return float(stats.norm.ppf(0.5 + level / 2))


def classify(estimate: float | None, lower: float | None, upper: float | None, reference: float = 0.0) -> str:
    """Reading code of one interval: ``above`` / ``below`` when the interval excludes the reference."""
    if estimate is None or lower is None or upper is None or any(map(_isnan, (estimate, lower, upper))):
        return TOO_SMALL
    if lower > reference:
        return ABOVE
    if upper < reference:
        return BELOW
    return NOT_DIFFERENT


def _isnan(v: float) -> bool:
    return isinstance(v, float) and math.isnan(v)


def classify_arrays(est: np.ndarray, lower: np.ndarray, upper: np.ndarray, ok: np.ndarray, reference: float) -> list[str]:
    out = np.full(est.shape, NOT_DIFFERENT, dtype=object)
    out[lower > reference] = ABOVE
    out[upper < reference] = BELOW
    out[~ok] = TOO_SMALL
    return out.tolist()


_REF_TEXT = {
    # kind: (zh expectation word, en expectation word)
    "value_added": ("预期", "expectation"),
    "sgp": ("典型增长（SGP 50）", "typical growth (SGP 50)"),
}


def reading(
    estimate: float | None,
    lower: float | None = None,
    upper: float | None = None,
    *,
    reference: float = 0.0,
    lang: str = "zh",
    kind: str = "value_added",
    n: int | None = None,
    min_group_size: int | None = None,
    level: float = DEFAULT_LEVEL,
) -> str:
    """The plain-language reading of one group estimate and its interval, in Chinese (``zh``) or English (``en``).

    - interval entirely above the reference: "高于预期，且区间不含0" / "above expectation, and the interval does
      not include zero";
    - interval containing the reference: "与预期无显著差异" / "not significantly different from expectation";
    - interval entirely below: "低于预期，且区间不含0" / "below expectation, and the interval does not include zero";
    - no estimate (group too small): says so, with n and the minimum when given.

    ``kind="sgp"`` words it for a median growth percentile, whose reference is 50.
    The reading says where the interval lies and nothing more: it is not a rank, and a group "not significantly
    different" may still be above or below expectation by an amount the data cannot resolve.
    """
    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    if kind not in _REF_TEXT:
        raise ValueError(f"kind must be one of {sorted(_REF_TEXT)}")
    code = classify(estimate, lower, upper, reference)
    ref = f"{reference:g}"
    zh_exp, en_exp = _REF_TEXT[kind]
    pct = f"{level * 100:g}%"
    if code == TOO_SMALL:
        if lang == "zh":
            s = "人数不足，不报告估计"
            if n is not None and min_group_size is not None:
                s = f"人数不足（{n}人，少于{min_group_size}人），不报告估计"
            return s
        s = "too few students: no estimate reported"
        if n is not None and min_group_size is not None:
            s = f"too few students ({n}, fewer than {min_group_size}): no estimate reported"
        return s
    if lang == "zh":
        if code == ABOVE:
            return f"高于{zh_exp}，且区间不含{ref}（{pct}区间）"
        if code == BELOW:
            return f"低于{zh_exp}，且区间不含{ref}（{pct}区间）"
        return f"与{zh_exp}无显著差异（{pct}区间含{ref}）"
    if code == ABOVE:
        return f"above {en_exp}, and the interval does not include {_en_num(ref)} ({pct} interval)"
    if code == BELOW:
        return f"below {en_exp}, and the interval does not include {_en_num(ref)} ({pct} interval)"
    return f"not significantly different from {en_exp} (the {pct} interval includes {_en_num(ref)})"


def add_reading_text(
    groups: pl.DataFrame,
    *,
    lang: str = "zh",
    kind: str = "value_added",
    estimate: str = "estimate",
    lower: str = "lower",
    upper: str = "upper",
    reference: float | None = None,
    min_group_size: int | None = None,
    level: float = DEFAULT_LEVEL,
    name: str | None = None,
) -> pl.DataFrame:
    """``groups`` with one more column (``reading_zh`` / ``reading_en``): :func:`reading` of every row.

    Works on the group tables of all three models; for :func:`group_median_sgp` pass ``kind="sgp"``,
    ``estimate="median_sgp"`` (the reference is then 50).
    """
    ref = reference if reference is not None else (50.0 if kind == "sgp" else 0.0)
    texts = [
        reading(e, lo, hi, reference=ref, lang=lang, kind=kind, n=n, min_group_size=min_group_size, level=level)
        for e, lo, hi, n in zip(groups[estimate], groups[lower], groups[upper], groups["n"])
    ]
    return groups.with_columns(pl.Series(name or f"reading_{lang}", texts, dtype=pl.String))


def _en_num(ref: str) -> str:
    return "zero" if ref == "0" else ref


@dataclass(frozen=True)
class ModelDescription:
    """What a figure needs to be reproduced: model, formula, data sizes, method, options, date."""

    model: str
    formula: str
    outcome: str
    priors: tuple[str, ...]
    covariates: tuple[str, ...]
    groups: tuple[str, ...]
    n_students: int
    n_groups: dict[str, int]
    n_dropped_missing: int
    method: str
    estimation: str
    level: float | None
    min_group_size: int | None
    date: str
    source: str
    extra: dict[str, Any] = field(default_factory=dict)
    version: str = METHOD_VERSION

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "formula": self.formula,
            "outcome": self.outcome,
            "priors": list(self.priors),
            "covariates": list(self.covariates),
            "groups": list(self.groups),
            "n_students": self.n_students,
            "n_groups": dict(self.n_groups),
            "n_dropped_missing": self.n_dropped_missing,
            "method": self.method,
            "estimation": self.estimation,
            "level": self.level,
            "min_group_size": self.min_group_size,
            "date": self.date,
            "source": self.source,
            "version": self.version,
            **self.extra,
        }

    def text(self, lang: str = "en") -> str:
        """One line for a figure caption."""
        groups = ", ".join(f"{k} {v}" for k, v in self.n_groups.items())
        if lang == "zh":
            parts = [f"{self.model}：{self.formula}", f"学生 {self.n_students} 人"]
            if groups:
                parts.append(f"组数 {groups}")
            parts.append(f"方法 {self.method}（{self.estimation}）")
            if self.level is not None:
                parts.append(f"{self.level * 100:g}% 区间")
            if self.min_group_size:
                parts.append(f"少于 {self.min_group_size} 人的组不报告")
            parts.append(self.date)
            return "；".join(parts)
        parts = [f"{self.model}: {self.formula}", f"{self.n_students} students"]
        if groups:
            parts.append(f"groups: {groups}")
        parts.append(f"{self.method} ({self.estimation})")
        if self.level is not None:
            parts.append(f"{self.level * 100:g}% intervals")
        if self.min_group_size:
            parts.append(f"groups under {self.min_group_size} students not reported")
        parts.append(self.date)
        return "; ".join(parts)


def today(as_of: _dt.date | str | None) -> str:
    if as_of is None:
        return _dt.date.today().isoformat()
    if isinstance(as_of, _dt.date):
        return as_of.isoformat()
    return str(as_of)


def group_codes(frame: pl.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, pl.DataFrame]:
    """Integer codes 0..G-1 of the combinations of ``columns`` (sorted), and the frame of their labels."""
    keys = frame.select(columns).with_row_index("__row")
    uniq = keys.select(columns).unique().sort(columns)
    uniq = uniq.with_row_index("__code")
    joined = keys.join(uniq, on=list(columns), how="left", nulls_equal=True).sort("__row")
    return joined["__code"].to_numpy().astype(np.int64), uniq.drop("__code")
