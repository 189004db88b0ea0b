"""Value-added and growth models (增值评价), pure computation: no Django, no database.

- :func:`residual_gain` — current score regressed on prior score(s) over the cohort; a group's value-added is
  its students' mean residual, with a cluster-aware standard error.
- :func:`fit_multilevel` — nested random intercepts (class, school) fitted by REML as lme4 does; empirical-Bayes
  conditional modes and conditional variances as ``ranef(condVar = TRUE)``.
- :func:`student_growth_percentiles` — Betebenner's SGP: quantile regression at 100 quantiles on cubic
  B-splines of the prior scores; :func:`group_median_sgp` — a group's median SGP with its interval.
- :func:`reading` — the plain-language reading (中文 / English) of an estimate and its interval;
  :func:`add_reading_text` adds it as a column to any of the group tables.

See docs/value-added.md for the equations, sources and how to read the output.
"""

from ._common import (
    ABOVE,
    COLLINEAR,
    TOO_FEW_GROUPS,
    TOO_FEW_STUDENTS,
    TOO_FEW_VALUES,
    CannotFit,
    BELOW,
    DEFAULT_LEVEL,
    DEFAULT_MIN_GROUP_SIZE,
    NOT_DIFFERENT,
    TOO_SMALL,
    ModelDescription,
    add_reading_text,
    classify,
    reading,
)
from .multilevel import MultilevelResult, fit_multilevel
from .residual import ResidualGainResult, residual_gain
from .sgp import (
    SGP_TAUS,
    GrowthPercentiles,
    TooFewStudents,
    bspline_basis,
    group_median_sgp,
    isotonise,
    knots_boundaries,
    percentile_from_quantiles,
    quantile_regression,
    student_growth_percentiles,
)

__all__ = [
    "ABOVE",
    "COLLINEAR",
    "TOO_FEW_GROUPS",
    "TOO_FEW_STUDENTS",
    "TOO_FEW_VALUES",
    "CannotFit",
    "BELOW",
    "DEFAULT_LEVEL",
    "DEFAULT_MIN_GROUP_SIZE",
    "NOT_DIFFERENT",
    "TOO_SMALL",
    "SGP_TAUS",
    "GrowthPercentiles",
    "ModelDescription",
    "MultilevelResult",
    "ResidualGainResult",
    "TooFewStudents",
    "add_reading_text",
    "bspline_basis",
    "classify",
    "fit_multilevel",
    "group_median_sgp",
    "isotonise",
    "knots_boundaries",
    "percentile_from_quantiles",
    "quantile_regression",
    "reading",
    "residual_gain",
    "student_growth_percentiles",
]
