"""The exceptions the CLI must know, each with its exit code.

Library code raises these; only ``cli.py`` turns them into messages and
exit codes, so the same errors serve the CLI, cron and tests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class SchedulerError(Exception):
    exit_code = 1


class InputError(SchedulerError):
    """Bad input: every problem found, not just the first."""

    exit_code = 2

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InfeasibleError(SchedulerError):
    """The hard rules admit no roster; ``reasons`` say which and where."""

    exit_code = 3

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("\n".join(self.reasons))


class RuleViolationError(SchedulerError):
    """A roster breaks a hard rule (from ``plan``: our bug, not shipped)."""

    exit_code = 4

    def __init__(self, violations: list[str]) -> None:
        self.violations = list(violations)
        super().__init__("\n".join(self.violations))
