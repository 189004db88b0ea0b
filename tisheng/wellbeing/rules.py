"""The five-managements rules in force for one school (R-ASR-1): national keys, the Shandong baseline, Tisheng
defaults and the district's and school's overrides. No number of its own: it only reads the rule set.

Where the national rule and the Shandong baseline (seed 003) both give a minimum, the stricter one applies.
"""

from datetime import date, datetime, time

from tisheng.core.rules import defaults
from tisheng.homework.rules import SchoolRules


class WellbeingRules(SchoolRules):
    def stage(self, grade: int) -> str:
        """"primary" or "junior", as the national sleep rule names the grade's stage (学段)."""
        return defaults().resolve("sleep.daily_hours.min", grade, on=date.min).rule["stage"]

    def sleep_min_hours(self, grade: int, on: date | None = None) -> float:
        """小学生每天睡眠时间应达到10小时，初中生应达到9小时."""
        national = self.value("sleep.daily_hours.min", grade=grade, on=on)
        baseline = self._value_or("shandong_baseline.r08.sleep_hours", {}, grade=grade, on=on).get(self.stage(grade))
        return float(max(national, baseline or 0))

    def activity_min_minutes(self, grade: int, on: date | None = None) -> int:
        """保障学生每天校内1小时体育活动时间 (and the baseline's hour of moderate-to-vigorous exercise)."""
        hours = max(self.value("pe.daily_activity_hours.in_school.min", grade=grade, on=on),
                    self._value_or("shandong_baseline.r07.in_school_moderate_vigorous_pe_hours.min", 0,
                                   grade=grade, on=on))
        return round(hours * 60)

    def big_break_min_minutes(self, grade: int, on: date | None = None) -> int:
        """每天统一安排30分钟的大课间体育活动."""
        return int(self.value("pe.big_break_minutes_daily.min", grade=grade, on=on))

    def wake_report_days(self, on: date | None = None) -> int:
        """How many nights back a family may still report a wake-up time."""
        return int(self.value("wellbeing.wake_report.days_back", on=on))

    # --- phones (PHONE_NOTICE_2021) ---------------------------------------------------------------------------
    def phone_exception_requires(self, on: date | None = None) -> list[str]:
        """What an exception needs: ``parent_consent`` and ``written_application`` (须经学生家长同意、书面提出申请)."""
        return list(self.value("phone.bring_into_school.exception_requires", on=on))

    def phone_national(self, on: date | None = None) -> list[str]:
        """The national rule's sentences, shown beside the school's own text."""
        keys = ("phone.bring_into_school.default_allowed", "phone.bring_into_school.exception_requires",
                "phone.storage", "phone.in_classroom.allowed", "phone.parent_contact_channel.required")
        return [self._rules.resolve(k, None, self._chain, on).rule.get("text_zh", "") for k in keys]

    # --- reading materials (READING_2021) ---------------------------------------------------------------------
    def reading_procedure(self, on: date | None = None) -> list[str]:
        """初选 → 评议 → 确认 → 备案."""
        return list(self.value("reading.recommendation.procedure", on=on))


def parse_clock(value: str) -> time:
    return datetime.strptime(value, "%H:%M").time()
