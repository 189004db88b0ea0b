"""The homework rules in force for one school (R-ASR-1): national keys, Tisheng defaults, the district's and
the school's overrides. Nothing here is a number of its own; it only reads the rule set.

One ``SchoolRules`` reads the school's overrides once, so a page or a task asking many questions (seven
days, several grades) does not query for each.
"""

from datetime import date, datetime, time, timedelta
from functools import cached_property

from tisheng.core.rules import RuleSet
from tisheng.roster.models import School, Term
from tisheng.rulesets.services import ruleset_for, scope_chain


def _parse_time(value: str) -> time:
    return datetime.strptime(value, "%H:%M").time()


class SchoolRules:
    def __init__(self, school: School):
        self.school = school

    @cached_property
    def _rules(self) -> RuleSet:
        return ruleset_for(school=self.school)

    @cached_property
    def _chain(self):
        return scope_chain(school=self.school)

    def value(self, key: str, *, grade: int | None = None, on: date | None = None):
        return self._rules.value(key, grade, self._chain, on)

    def _value_or(self, key: str, default, *, grade: int | None = None, on: date | None = None):
        """The value, or ``default`` when no rule covers ``grade`` (the national keys are per grade band)."""
        try:
            return self.value(key, grade=grade, on=on)
        except KeyError:
            return default

    # --- limits -----------------------------------------------------------------------------------------
    def written_at_home_allowed(self, grade: int, on: date) -> bool:
        """Grades 1–2: no written homework to do at home (小学一、二年级不布置家庭书面作业)."""
        return bool(self._value_or("homework.written_home.allowed", True, grade=grade, on=on))

    def written_limit(self, grade: int, on: date) -> int | None:
        """Minutes of written homework a class may get on ``on``: 0 where none is allowed, None if no rule."""
        if not self.written_at_home_allowed(grade, on):
            return 0
        limit = self._value_or("homework.written.daily_avg_minutes.max", None, grade=grade, on=on)
        return int(limit) if limit is not None else None

    def written_forbidden_in(self, subject_code: str, grade: int, on: date) -> bool:
        """A school rule such as "no written English homework" (英语不布置书面家庭作业)."""
        return subject_code in (self.value("homework.written.forbidden_subjects", grade=grade, on=on) or [])

    def latest_bedtime(self, grade: int, on: date | None = None) -> time | None:
        value = self._value_or("sleep.bedtime.not_later_than", None, grade=grade, on=on)
        return _parse_time(value) if value else None

    # --- calendar --------------------------------------------------------------------------------------
    @cached_property
    def _terms(self) -> list[tuple[date, date]]:
        return list(Term.objects.values_list("start_date", "end_date"))

    def day_off(self, day: date) -> bool:
        """A day without school, whose homework is shown apart (周末、寒暑假、法定节假日): Saturday and Sunday,
        a day between terms, or a date of ``homework.days_off`` (the year's holidays, set by an override)."""
        if day.weekday() >= 5 or not any(start <= day <= end for start, end in self._terms):
            return True
        return day.isoformat() in (self.value("homework.days_off", on=day) or [])

    def days_off(self, days) -> set[date]:
        return {d for d in days if self.day_off(d)}

    # --- process ---------------------------------------------------------------------------------------
    def due_date(self, week: date) -> date:
        """The last day on which next week's plan counts as filed on time (提前一周)."""
        return week - timedelta(days=int(self.value("homework.plan.due_days_before_week", on=week)))

    def phrases(self, on: date | None = None) -> dict[str, list[str]]:
        return self.value("homework.content.forbidden_phrases", on=on)

    def support_window(self, on: date | None = None) -> tuple[int, int]:
        """(times, weeks): not finished at least ``times`` times in ``weeks`` weeks."""
        return (int(self.value("homework.support.not_finished.times", on=on)),
                int(self.value("homework.support.not_finished.weeks", on=on)))

    def feedback_editable_until(self, day: date) -> datetime:
        """Naive local time until which the answer for ``day`` may be changed: the next morning."""
        return datetime.combine(day + timedelta(days=1), _parse_time(self.value("homework.feedback.editable_until", on=day)))
