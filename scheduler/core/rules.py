"""The roster rules: one id and one display name per rule.

The CP-SAT model, the independent checker, the infeasibility explanations
and the Excel ``Violations`` output all speak of a rule by this id, so a
violation found by the checker names the same rule the model enforces.
"""

from __future__ import annotations

from enum import StrEnum


class Rule(StrEnum):
    """Hard rules a roster must satisfy (never priced, always enforced)."""

    ONE_SHIFT_PER_DAY = "one_shift_per_day"
    UNKNOWN_ID = "unknown_id"
    TIME_OFF = "time_off"
    ALLOWED_SHIFTS = "allowed_shifts"
    FIXED_ASSIGNMENT = "fixed_assignment"
    MIN_REST = "min_rest"
    FORBIDDEN_SUCCESSION = "forbidden_succession"
    MAX_CONSECUTIVE_DAYS = "max_consecutive_days"
    MIN_CONSECUTIVE_DAYS = "min_consecutive_days"
    MIN_CONSECUTIVE_DAYS_OFF = "min_consecutive_days_off"
    MAX_CONSECUTIVE_NIGHTS = "max_consecutive_nights"
    MIN_DAYS_OFF_PER_WEEK = "min_days_off_per_week"
    MAX_MINUTES_PER_WEEK = "max_minutes_per_week"
    MIN_MINUTES_PER_WEEK = "min_minutes_per_week"
    MAX_TOTAL_MINUTES = "max_total_minutes"
    MIN_TOTAL_MINUTES = "min_total_minutes"
    MAX_SHIFTS_PER_TYPE = "max_shifts_per_type"
    MAX_WEEKENDS = "max_weekends"
    LOAD_CAP_PER_SHIFT = "load_cap_per_shift"
    LOAD_CAP_PER_WEEK = "load_cap_per_week"
    LOAD_ALLOCATION = "load_allocation"

    @property
    def title(self) -> str:
        return RULE_TITLES[self]


RULE_TITLES: dict[Rule, str] = {
    Rule.ONE_SHIFT_PER_DAY: "At most one shift per operator per day",
    Rule.UNKNOWN_ID: "Roster names an unknown operator, day or shift",
    Rule.TIME_OFF: "No shift overlapping time off",
    Rule.ALLOWED_SHIFTS: "Only shifts the operator may work",
    Rule.FIXED_ASSIGNMENT: "Pinned assignments kept",
    Rule.MIN_REST: "Minimum rest between shifts",
    Rule.FORBIDDEN_SUCCESSION: "Forbidden shift on the following day",
    Rule.MAX_CONSECUTIVE_DAYS: "Maximum consecutive working days",
    Rule.MIN_CONSECUTIVE_DAYS: "Minimum consecutive working days",
    Rule.MIN_CONSECUTIVE_DAYS_OFF: "Minimum consecutive days off",
    Rule.MAX_CONSECUTIVE_NIGHTS: "Maximum consecutive night shifts",
    Rule.MIN_DAYS_OFF_PER_WEEK: "Minimum days off per Monday-Sunday week",
    Rule.MAX_MINUTES_PER_WEEK: "Maximum working hours per week",
    Rule.MIN_MINUTES_PER_WEEK: "Minimum working hours per week (hard)",
    Rule.MAX_TOTAL_MINUTES: "Maximum working time over the horizon",
    Rule.MIN_TOTAL_MINUTES: "Minimum working time over the horizon",
    Rule.MAX_SHIFTS_PER_TYPE: "Maximum shifts of one type over the horizon",
    Rule.MAX_WEEKENDS: "Maximum weekends worked",
    Rule.LOAD_CAP_PER_SHIFT: "Heavy-call cap per operator per shift",
    Rule.LOAD_CAP_PER_WEEK: "Heavy-call cap per operator per week",
    Rule.LOAD_ALLOCATION: "Heavy calls only to operators on duty",
}
