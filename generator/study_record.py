"""我的学习记录: the rules a reader's own study record follows, declared once.

The record lives in the reader's browser only (``kb-record.js``); nothing is sent anywhere
and there is nothing to rank. Its page and every "记入学习记录" form are rendered from
these rules, and the script reads them from the page (``data-kb-record-rules``), so the
yearly targets, how hours are counted, the limits a kept record must keep to and the
columns of the exported file are stated here and nowhere else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from generator.model import KINDS


@dataclass(frozen=True)
class YearlyTarget:
    """How many hours of study (学时) a year someone is expected to log."""

    who: str
    hours: int


YEARLY_TARGETS = (
    YearlyTarget("党员", 32),
    YearlyTarget("基层党组织书记和班子成员", 56),
)
"""The yearly hours of concentrated study the party's rules on members' education
(《中国共产党党员教育管理工作条例》) ask for, which the record's totals are set against."""
TARGETS_SOURCE = "《中国共产党党员教育管理工作条例》"


@dataclass(frozen=True)
class HoursChoice:
    """One way to say how long a study took."""

    key: str
    label: str
    hours: float | None
    """Fixed hours for this choice; None where the reader types minutes or hours."""


HALF_DAY_HOURS = 4
FULL_DAY_HOURS = 8
MINUTES_PER_HOUR = 45
"""A 学时 is a class hour: minutes typed are counted 45 to the hour (rounded to a tenth).
A unit with a rule of its own types the hours directly."""
HOURS_CHOICES = (
    HoursChoice("half-day", f"半天（{HALF_DAY_HOURS} 学时）", HALF_DAY_HOURS),
    HoursChoice("full-day", f"一天（{FULL_DAY_HOURS} 学时）", FULL_DAY_HOURS),
    HoursChoice("minutes", "按分钟计", None),
    HoursChoice("hours", "直接填写学时", None),
)
MAX_HOURS = 200
"""The most one record may count: a week-long course of full days, with room to spare."""
MAX_MINUTES = MAX_HOURS * MINUTES_PER_HOUR
MAX_TITLE = 200
MAX_NOTE = 500
MAX_RECORDS = 5000
"""More than anyone logs in years; a kept value with more is not the site's."""
OTHER_KIND = "其他学习"
"""The kind of a record typed in by hand: a lecture, a meeting, a book."""
STORAGE_NAME = "study-record"
"""Kept under ``kb-study-record:`` and the site's address (see ``kb-store.js``)."""
FORMAT_VERSION = 1

CSV_COLUMNS = (
    ("date", "日期"),
    ("title", "学习内容"),
    ("kind", "类型"),
    ("hours", "学时"),
    ("note", "备注"),
    ("address", "网址"),
)
"""The exported file's columns, in order, with their headings; the same file imports back."""


def record_kinds() -> list[str]:
    """What a record can be: an entry of each kind, a study pack, or something else."""
    return [*(kind.label for kind in KINDS.values()), OTHER_KIND]


def hours_for_minutes(minutes: float) -> float:
    """学时 for ``minutes`` of study, to a tenth (kb-record.js counts the same way)."""
    return round(minutes / MINUTES_PER_HOUR + 1e-9, 1)


def record_rules() -> dict[str, Any]:
    """The rules as the browser reads them (JSON in the page)."""
    return {
        "storage": STORAGE_NAME,
        "version": FORMAT_VERSION,
        "targets": [asdict(target) for target in YEARLY_TARGETS],
        "minutesPerHour": MINUTES_PER_HOUR,
        "maxHours": MAX_HOURS,
        "maxTitle": MAX_TITLE,
        "maxNote": MAX_NOTE,
        "maxRecords": MAX_RECORDS,
        "kinds": record_kinds(),
        "otherKind": OTHER_KIND,
        "choices": [asdict(choice) for choice in HOURS_CHOICES],
        "columns": [{"key": key, "label": label} for key, label in CSV_COLUMNS],
    }
