"""准备学习会: what the session planner asks and prints, declared once.

A branch secretary fills in a study pack's planner (date, place, host, attendees, 学时) and
prints one document: the agenda, a sign-in sheet and a meeting record with the fields
branches keep. The form, the printed sheets and the script (``kb-plan.js``, which checks
the values it keeps in the browser against the limits here) all follow these declarations.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class PlanField:
    """One thing the planner asks."""

    name: str
    label: str
    input: str
    """The form control: ``date``, ``time``, ``text`` or ``number``."""
    placeholder: str = ""
    max_length: int = 0
    """For text: the most characters kept."""
    low: float = 0
    high: float = 0
    """For numbers: the range kept."""
    step: float = 1
    default: str = ""


PLAN_FIELDS = (
    PlanField("date", "日期", "date"),
    PlanField("time", "开始时间", "time"),
    PlanField("place", "地点", "text", "例如：党员活动室", max_length=60),
    PlanField("host", "主持人", "text", "例如：支部书记姓名", max_length=30),
    PlanField("expected", "应到人数", "number", low=1, high=500),
    PlanField("hours", "学时", "number", low=0.5, high=8, step=0.5, default="4"),
    PlanField("minutes", "会议时长（分钟）", "number", low=15, high=480, step=5, default="90"),
    PlanField("recorder", "记录人", "text", max_length=30),
)
"""The planner's questions, in the order asked; the reader's last answers are kept."""

MEETING_RECORD_FIELDS = (
    ("时间", "when"),
    ("地点", "place"),
    ("主持人", "host"),
    ("应到/实到", "attendance"),
    ("缺席及原因", "blank"),
    ("学习内容", "content"),
    ("讨论发言", "discussion"),
    ("记录人", "recorder"),
)
"""The rows of the printed 会议记录, the fields branches keep for a 三会一课 or 主题党日
record, each with what fills it: a planner answer, the pack, or room to write by hand."""

SIGN_IN_COLUMNS = ("序号", "姓名", "职务", "签到时间", "备注")
SIGN_IN_ROWS = 12
"""Rows of the sign-in sheet when fewer people are expected (a page's worth); one per
expected attendee beyond that."""
DISCUSSION_SHARE = 0.4
"""The part of the session the agenda gives to discussion at first; the rest is shared by
the pack's entries. The reader changes any item's minutes."""
ROUND_TO = 5
STORAGE_NAME = "session-plan"
FORMAT_VERSION = 1


def default_minutes(total: int, entries: int) -> list[int]:
    """Minutes for each of ``entries`` items and for the discussion (last): discussion its
    share, the entries the rest as evenly as steps of five minutes allow (earlier ones the
    longer), each at least five minutes (``kb-plan.js`` shares them out the same way)."""
    discussion = max(ROUND_TO, round(total * DISCUSSION_SHARE / ROUND_TO) * ROUND_TO)
    steps = max(0, total - discussion) // ROUND_TO
    items = [
        max(ROUND_TO, (steps // entries + (1 if i < steps % entries else 0)) * ROUND_TO)
        for i in range(entries)
    ]
    return [*items, discussion + max(0, total - discussion) % ROUND_TO]


def plan_rules() -> dict[str, Any]:
    """The declarations as the browser reads them (JSON in the page)."""
    return {
        "storage": STORAGE_NAME,
        "version": FORMAT_VERSION,
        "fields": [asdict(field) for field in PLAN_FIELDS],
        "signInRows": SIGN_IN_ROWS,
        "discussionShare": DISCUSSION_SHARE,
        "roundTo": ROUND_TO,
    }
