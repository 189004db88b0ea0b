"""The one rule-set loader (R-ASR-1: rules are data, never literals in code).

Two base files, both in ``tisheng/core/data``:

* ``policy_rules.json`` — national and provincial policy numbers (README §2–5: fields ``key``, ``value``,
  ``unit``, ``operator``, ``grades``, ``stage``, ``text_zh``, ``source``, ``confidence``, ``note``);
* ``tisheng_defaults.json`` — Tisheng's own defaults for exam analysis (pass/excellent/good/low lines, band
  count, level method and shares, attention margins), same fields, each with a ``source`` pointing to
  ``exam_analysis.md``.

A key lives in exactly one base file (checked on load), so there is no question of which base wins.

On top of the base, *overrides* for a province, city, district or school, each with an effective date. The
Django side stores them in the database and hands them over as plain data::

    {"key": "exam.rate.excellent.line", "value": 0.90, "scope": ["district", "371102"],
     "grades": [1, 2], "effective_from": "2025-09-01", "effective_to": None, "note": "区教研室 2025 通知"}

Resolution of ``key`` for ``grade`` in ``scope_chain`` on date ``on``:

1. a rule or override applies to a grade when its ``grades`` list contains it; ``[]`` means every grade;
2. an override is effective when ``effective_from <= on`` and (no ``effective_to`` or ``on < effective_to``);
3. the narrowest scope wins: ``scope_chain`` lists scopes broadest first, e.g.
   ``[("province", "37"), ("district", "371102"), ("school", "S01")]``; a school override beats a district
   one, which beats the base value; overrides whose scope is not in the chain are ignored;
4. within one scope, the override with the latest ``effective_from`` wins;
5. with no override, the base rule applies; when several base rules match (rules that differ by grade and no
   grade was given) and their values differ, :class:`AmbiguousRule` is raised instead of guessing.

Nothing here imports Django; the module holds no state besides the parsed base files (read-only, cached).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_FILE = DATA_DIR / "policy_rules.json"
TISHENG_FILE = DATA_DIR / "tisheng_defaults.json"


class AmbiguousRule(LookupError):
    """Several base rules match (they differ by grade) and no grade was given."""


@dataclass(frozen=True)
class Override:
    """A scoped, dated replacement of one rule's value."""

    key: str
    value: Any
    scope: tuple[str, str]  # (level, id), e.g. ("district", "371102")
    effective_from: date
    effective_to: date | None = None  # exclusive
    grades: tuple[int, ...] = ()  # () = every grade
    note: str = ""

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | Override) -> Override:
        if isinstance(data, Override):
            return data
        level, scope_id = data["scope"]
        return cls(
            key=data["key"],
            value=data["value"],
            scope=(str(level), str(scope_id)),
            effective_from=_as_date(data["effective_from"]),
            effective_to=_as_date(data["effective_to"]) if data.get("effective_to") else None,
            grades=tuple(int(g) for g in data.get("grades") or ()),
            note=data.get("note", ""),
        )

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)


@dataclass(frozen=True)
class Resolved:
    """A rule's value and where it came from."""

    key: str
    value: Any
    layer: str  # "national" | "tisheng" | "override"
    scope: tuple[str, str] | None = None  # set for overrides
    effective_from: date | None = None  # set for overrides
    source: Any = None  # base rule's source ids / note, or the override's note
    rule: Mapping[str, Any] = field(default_factory=dict, repr=False)  # the raw record

    @property
    def origin(self) -> str:
        """Human-readable origin, e.g. ``district 371102 since 2025-09-01`` or ``tisheng default``."""
        if self.layer == "override":
            assert self.scope is not None
            return f"{self.scope[0]} {self.scope[1]} since {self.effective_from.isoformat()}"
        return f"{self.layer} default"


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _applies_to_grade(grades: Iterable[int], grade: int | None) -> bool:
    grades = tuple(grades)
    return grade is None or not grades or grade in grades


@cache  # parsed once per process; RuleSet hands out deep copies, so callers cannot change it
def _read_base(path: Path) -> tuple[dict[str, Any], ...]:
    with path.open(encoding="utf-8") as f:
        return tuple(json.load(f)["rules"])


class RuleSet:
    """National rules + Tisheng defaults + dated, scoped overrides.

    >>> rs = RuleSet.load()
    >>> rs.value("exam.rate.pass.line")
    0.6
    """

    def __init__(
        self,
        base: Mapping[str, Sequence[Mapping[str, Any]]],
        overrides: Iterable[Mapping[str, Any] | Override] = (),
    ) -> None:
        """``base`` maps a layer name ("national", "tisheng") to its rule records."""
        self._base: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
        for layer, records in base.items():
            for record in records:
                entries = self._base.setdefault(record["key"], [])
                if any(other_layer != layer for other_layer, _ in entries):
                    raise ValueError(f"rule {record['key']!r} is defined in two base files")
                entries.append((layer, record))
        self._overrides: dict[str, list[Override]] = {}
        for data in overrides:
            o = Override.from_data(data)
            if o.key not in self._base:
                # A typo in an override must not silently create a rule nobody reads.
                raise KeyError(f"override for unknown rule {o.key!r}")
            self._overrides.setdefault(o.key, []).append(o)

    @classmethod
    def load(
        cls,
        overrides: Iterable[Mapping[str, Any] | Override] = (),
        *,
        national: Path = NATIONAL_FILE,
        tisheng: Path = TISHENG_FILE,
    ) -> RuleSet:
        return cls({"national": _read_base(national), "tisheng": _read_base(tisheng)}, overrides)

    def keys(self) -> list[str]:
        return sorted(self._base)

    def records(self, key: str) -> list[Mapping[str, Any]]:
        """The base records of ``key`` (several when the value differs by grade), as in the data files."""
        return [copy.deepcopy(record) for _layer, record in self._base[key]]

    def resolve(
        self,
        key: str,
        grade: int | None = None,
        scope_chain: Sequence[tuple[str, str]] = (),
        on: date | str | None = None,
    ) -> Resolved:
        """The value of ``key`` for ``grade`` in ``scope_chain`` on date ``on`` (default: today).

        See the module docstring for the order of precedence.
        """
        if key not in self._base:
            raise KeyError(key)
        on = date.today() if on is None else _as_date(on)
        chain = [(str(level), str(scope_id)) for level, scope_id in scope_chain]

        # Narrowest scope first; in one scope the latest effective_from wins.
        overrides = [
            o
            for o in self._overrides.get(key, ())
            if o.scope in chain and o.in_force(on) and _applies_to_grade(o.grades, grade)
        ]
        if overrides:
            best = max(overrides, key=lambda o: (chain.index(o.scope), o.effective_from))
            return Resolved(key, copy.deepcopy(best.value), "override", best.scope, best.effective_from, best.note)

        matches = [(layer, r) for layer, r in self._base[key] if _applies_to_grade(r.get("grades", ()), grade)]
        if not matches:
            raise KeyError(f"rule {key!r} has no value for grade {grade}")
        if len({json.dumps(r["value"], sort_keys=True) for _, r in matches}) > 1:
            grades = [r.get("grades") for _, r in matches]
            raise AmbiguousRule(f"rule {key!r} differs by grade {grades}; pass grade=")
        layer, record = matches[0]
        # A copy, so a caller editing a list of levels cannot change the defaults of everyone else.
        return Resolved(key, copy.deepcopy(record["value"]), layer, source=record.get("source"), rule=record)

    def value(self, key: str, grade: int | None = None, scope_chain=(), on=None) -> Any:
        """Shortcut for ``resolve(...).value``."""
        return self.resolve(key, grade, scope_chain, on).value


@cache
def defaults() -> RuleSet:
    """The base rule set without overrides (read once; used for the default arguments of core functions)."""
    return RuleSet.load()


def default(key: str) -> Any:
    """Base value of ``key`` (no grade, no scope): what core functions use as their default argument."""
    return defaults().value(key, on=date.min)
