"""The input tables of a contact centre: one schema per sheet.

This module is the single description of the input workbook (or CSV
folder): the reader, the writer, the README and the Excel template all
take sheet names, column names, kinds, defaults and descriptions from here.

Two shapes of sheet exist:

* **row sheets** (``forecast``, ``shifts``, ``operators``, ``time_off``,
  ``preferences``): a header in row 1 naming the columns, one record per
  row below it;
* **key/value sheets** (``settings``, ``rules``): columns ``key`` and
  ``value`` (and an optional, ignored ``description``); each key is a field
  of :class:`~scheduler.center.model.Settings` or
  :class:`~scheduler.center.model.CenterRules`.

Cell kinds (how a cell is read and written):

``str``   text, surrounding whitespace removed
``int``   a whole number (``3``, ``3.0``)
``float`` a number (``2.5``); fractions also accept a ``%`` (``80%``)
``date``  a date cell or ``YYYY-MM-DD``
``time``  a time cell, ``HH:MM`` (or ``HH:MM:SS``) or a fraction of a day
``bool``  ``yes``/``no``, ``true``/``false``, ``y``/``n``, ``1``/``0``
``list``  shift ids separated by commas or spaces
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .center.model import CenterRules, Settings

Kind = Literal["str", "int", "float", "date", "time", "bool", "list"]
KINDS: tuple[str, ...] = (
    "str",
    "int",
    "float",
    "date",
    "time",
    "bool",
    "list",
)

# Spellings shared by the reader and the writer.
TRUE_WORDS = ("yes", "true", "y", "1")
FALSE_WORDS = ("no", "false", "n", "0")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
OFF = "OFF"  # preferences.shift_id meaning "a day off"
WANT, AVOID = "want", "avoid"


@dataclass(frozen=True)
class Column:
    """One column of a row sheet, or one key of a key/value sheet.

    ``required``: the column (key) must be present and every cell filled.
    Otherwise a missing column or a blank cell means ``default``.
    ``allowed``: the only accepted spellings (case-insensitive) of a text
    cell, empty when any text goes. ``fraction``: a share in 0..1 that may
    also be written as a percentage (``80%``). ``field``: the model field
    the column fills (usually the same name).
    """

    name: str
    kind: Kind
    description: str
    required: bool = False
    default: object = None
    allowed: tuple[str, ...] = ()
    fraction: bool = False
    field: str = ""

    @property
    def model_field(self) -> str:
        return self.field or self.name


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook (one CSV file of a folder)."""

    name: str
    description: str
    columns: tuple[Column, ...]
    required: bool = True
    keys: tuple[Column, ...] = ()  # non-empty for key/value sheets

    @property
    def filename(self) -> str:
        """The file name of this sheet in a CSV folder."""
        return f"{self.name}.csv"

    @property
    def is_key_value(self) -> bool:
        return bool(self.keys)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def key(self, name: str) -> Column:
        for key in self.keys:
            if key.name == name:
                return key
        raise KeyError(name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _key(
    model: type[BaseModel],
    name: str,
    kind: Kind,
    description: str,
    *,
    fraction: bool = False,
) -> Column:
    """A key of a key/value sheet; required and default come from the
    pydantic model so the table cannot drift from it."""
    info = model.model_fields[name]
    required = info.is_required()
    default = None if info.default is PydanticUndefined else info.default
    return Column(
        name,
        kind,
        description,
        required=required,
        default=default,
        fraction=fraction,
    )


# ---------------------------------------------------------------------------
# Key/value sheets
# ---------------------------------------------------------------------------

KEY_VALUE_COLUMNS = (
    Column(
        "key", "str", "Setting name (see the list of keys).", required=True
    ),
    Column("value", "str", "Its value; blank = the default."),
    Column("description", "str", "Free text, ignored by the reader."),
)

SETTINGS = Sheet(
    "settings",
    "Planning horizon and Erlang C service targets (one key per row).",
    KEY_VALUE_COLUMNS,
    required=True,
    keys=(
        _key(
            Settings,
            "center",
            "str",
            "Name of the centre, used in output file names and titles.",
        ),
        _key(
            Settings,
            "start_date",
            "date",
            "First planned day, YYYY-MM-DD (ideally a Monday).",
        ),
        _key(
            Settings, "days", "int", "Length of the horizon in days (1-400)."
        ),
        _key(
            Settings,
            "interval_minutes",
            "int",
            "Forecast interval in minutes: 15, 30 or 60 (must divide 1440).",
        ),
        _key(
            Settings,
            "service_level",
            "float",
            "Service-level target: share of calls answered within "
            "answer_seconds, between 0 and 1 (0.8 = 80 %).",
            fraction=True,
        ),
        _key(
            Settings,
            "answer_seconds",
            "float",
            "Service-level threshold in seconds (e.g. 20 for 80/20).",
        ),
        _key(
            Settings,
            "max_occupancy",
            "float",
            "Highest share of productive time spent on calls, in (0, 1] "
            "(0.85 = 85 %).",
            fraction=True,
        ),
        _key(
            Settings,
            "shrinkage",
            "float",
            "Share of paid time lost to breaks, meetings, absence, in "
            "[0, 1) (0.3 = 30 %).",
            fraction=True,
        ),
        _key(
            Settings,
            "time_limit_seconds",
            "float",
            "Solver time limit in seconds (> 0).",
        ),
        _key(
            Settings,
            "seed",
            "int",
            "Solver random seed (>= 0); same seed, same roster.",
        ),
        _key(
            Settings,
            "workers",
            "int",
            "Solver threads (>= 1); blank = automatic.",
        ),
    ),
)

RULES = Sheet(
    "rules",
    "Working-time rules and objective weights (one key per row); every "
    "key is optional.",
    KEY_VALUE_COLUMNS,
    required=False,
    keys=(
        _key(
            CenterRules,
            "min_rest_hours",
            "float",
            "Minimum rest between two shifts, in hours.",
        ),
        _key(
            CenterRules,
            "max_consecutive_days",
            "int",
            "Most working days in a row (>= 1).",
        ),
        _key(
            CenterRules,
            "min_days_off_per_week",
            "int",
            "Days off per Monday-Sunday week (0-7).",
        ),
        _key(
            CenterRules,
            "max_hours_per_week",
            "float",
            "Legal maximum of paid hours per week, for everyone.",
        ),
        _key(
            CenterRules,
            "max_consecutive_nights",
            "int",
            "Most night shifts in a row (>= 1).",
        ),
        _key(
            CenterRules,
            "heavy_calls_per_shift",
            "int",
            "Default cap on heavy calls one operator takes per shift "
            "(>= 0); operators.heavy_calls_cap overrides it.",
        ),
        _key(
            CenterRules,
            "heavy_calls_per_week",
            "int",
            "Cap on heavy calls per operator per week; blank = none.",
        ),
        _key(
            CenterRules,
            "min_hours_is_hard",
            "bool",
            "yes: min_hours_week is a hard rule; no: a soft target.",
        ),
        _key(
            CenterRules,
            "weight_understaffing",
            "int",
            "Penalty per missing agent per interval (>= 0).",
        ),
        _key(
            CenterRules,
            "weight_overstaffing",
            "int",
            "Penalty per surplus agent per interval (>= 0).",
        ),
        _key(
            CenterRules,
            "weight_heavy_shortfall",
            "int",
            "Penalty per heavy call nobody on shift may take (>= 0).",
        ),
        _key(
            CenterRules,
            "weight_contract_hours",
            "int",
            "Penalty per hour outside the weekly contract range (>= 0).",
        ),
        _key(
            CenterRules,
            "weight_preference",
            "int",
            "Multiplier of the preference weights (>= 0).",
        ),
        _key(
            CenterRules,
            "weight_night_fairness",
            "int",
            "Penalty on an uneven share of night shifts (>= 0).",
        ),
        _key(
            CenterRules,
            "weight_weekend_fairness",
            "int",
            "Penalty on an uneven share of weekend work (>= 0).",
        ),
        _key(
            CenterRules,
            "weight_heavy_fairness",
            "int",
            "Penalty on an uneven share of heavy calls (>= 0).",
        ),
    ),
)

# ---------------------------------------------------------------------------
# Row sheets
# ---------------------------------------------------------------------------

FORECAST = Sheet(
    "forecast",
    "Calls per interval: one row for every interval of every day of the "
    "horizon.",
    (
        Column(
            "date", "date", "Day of the interval, YYYY-MM-DD.", required=True
        ),
        Column(
            "time",
            "time",
            "Interval start, HH:MM, aligned to interval_minutes.",
            required=True,
        ),
        Column(
            "calls",
            "float",
            "Calls offered in the interval (>= 0, may be fractional).",
            required=True,
        ),
        Column(
            "aht_seconds",
            "float",
            "Average handle time of those calls, in seconds (> 0).",
            required=True,
        ),
        Column(
            "heavy_calls",
            "float",
            "Of those calls, how many are heavy (complaints, "
            "escalations); 0..calls.",
            default=0.0,
        ),
        Column(
            "required_agents",
            "int",
            "Optional override: agents to schedule (shrinkage "
            "included); blank = Erlang C.",
        ),
    ),
)

SHIFTS = Sheet(
    "shifts",
    "The shift types that can be worked on any day.",
    (
        Column(
            "shift_id",
            "str",
            "Short unique code (no spaces or commas; not OFF).",
            required=True,
        ),
        Column("start", "time", "Start time, HH:MM.", required=True),
        Column(
            "hours",
            "float",
            "Length in hours including the break (0-24]; may cross midnight.",
            required=True,
        ),
        Column(
            "break_minutes",
            "int",
            "Unpaid break in minutes, shorter than the shift.",
            default=0,
        ),
        Column("label", "str", "Display name (e.g. Early).", default=""),
        Column(
            "night",
            "bool",
            "yes/no; blank = derived: at least 3 h inside 00:00-05:00.",
        ),
    ),
)

OPERATORS = Sheet(
    "operators",
    "The people to roster, with their contracts.",
    (
        Column("operator_id", "str", "Unique id (e.g. OP001).", required=True),
        Column("name", "str", "Full name.", default=""),
        Column(
            "min_hours_week",
            "float",
            "Contract minimum of paid hours per week (>= 0).",
            required=True,
        ),
        Column(
            "max_hours_week",
            "float",
            "Contract maximum of paid hours per week; blank = only the "
            "legal maximum.",
        ),
        Column(
            "heavy_calls_cap",
            "int",
            "Heavy calls this operator may take per shift; blank = the "
            "rules default, 0 = no heavy calls.",
        ),
        Column(
            "shifts",
            "list",
            "Allowed shift ids, separated by commas or spaces; blank = "
            "all shifts.",
        ),
    ),
)

TIME_OFF = Sheet(
    "time_off",
    "Approved leave: the operator is not rostered on these days.",
    (
        Column(
            "operator_id",
            "str",
            "An id from the operators sheet.",
            required=True,
        ),
        Column(
            "date_from", "date", "First day off, YYYY-MM-DD.", required=True
        ),
        Column(
            "date_to",
            "date",
            "Last day off (inclusive), YYYY-MM-DD.",
            required=True,
        ),
        Column(
            "reason",
            "str",
            "Free text (annual leave, training...).",
            default="",
        ),
    ),
    required=False,
)

PREFERENCES = Sheet(
    "preferences",
    "Soft wishes: fill either date or weekday on each row.",
    (
        Column(
            "operator_id",
            "str",
            "An id from the operators sheet.",
            required=True,
        ),
        Column(
            "date",
            "date",
            "A day of the horizon, YYYY-MM-DD; blank when weekday is given.",
        ),
        Column(
            "weekday",
            "str",
            "Every such weekday: Mon..Sun, Monday..Sunday or 0-6 "
            "(0 = Monday); blank when date is given.",
        ),
        Column(
            "shift_id",
            "str",
            "A shift id, or OFF for a day off.",
            required=True,
        ),
        Column(
            "wish",
            "str",
            "want or avoid.",
            required=True,
            allowed=(WANT, AVOID),
            field="want",
        ),
        Column(
            "weight",
            "int",
            "Importance, 1 (low) to 5 (high); >= 0.",
            default=1,
        ),
    ),
    required=False,
)

SHEETS: tuple[Sheet, ...] = (
    SETTINGS,
    RULES,
    FORECAST,
    SHIFTS,
    OPERATORS,
    TIME_OFF,
    PREFERENCES,
)
SHEET_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}


def normalize_name(text: str) -> str:
    """How sheet, column and key names are compared: trimmed, lower case,
    inner spaces and hyphens as underscores (``Start Date`` = start_date)."""
    return "_".join(text.strip().lower().replace("-", " ").split())
