"""Problem reports in the formats editors and CI systems read, and how a count of what
passed is said."""

from __future__ import annotations

import hashlib
import json
import re

from generator.errors import LEGACY_CI_COMMAND, UNPRINTABLE, ContentError, format_report, printable
from generator.model import PACK

FORMATS = ("text", "json", "github", "gitlab")
"""``text`` for people; ``json`` for scripts; ``github`` workflow commands that annotate
pull-request lines; ``gitlab`` a Code Quality report that GitLab shows on merge requests."""


def count_phrase(entries: int, packs: int) -> str:
    """How many entries and study packs, as every count of them says it: "13 个条目、2 个学习专题".

    A study pack is not an entry, so the two are never added up; a part that is zero is left
    out (unless both are). The explorer's ``countPhrase`` (kb-search.js) is held to this one
    by tests/test_counts.py.
    """
    parts = [f"{entries} 个条目"] if entries or not packs else []
    if packs:
        parts.append(f"{packs} 个{PACK.label}")
    return "、".join(parts)


def render_report(
    problems: list[ContentError], *, output_format: str, entries: int | None, packs: int | None
) -> str:
    """The report in ``output_format``; ``entries`` and ``packs`` are how many entries and
    study packs passed, None when the content has errors (it is then not known which would
    count)."""
    if output_format == "json":
        failed = any(p.severity == "error" for p in problems)
        data = {
            "ok": not failed,
            "entries": entries,
            "packs": packs,
            "problems": [p.as_dict() for p in problems],
        }
        return _json(data)
    if output_format == "github":
        return "\n".join(_github_line(p) for p in problems)
    if output_format == "gitlab":
        return _json([_gitlab_issue(p) for p in problems])
    return format_report(problems) if problems else ""


def _json(data: object) -> str:
    """``data`` as JSON that keeps every character of a file name or message, escaped where
    printing it raw would act on a terminal or a CI log (see :func:`printable`)."""
    text = json.dumps(data, ensure_ascii=False, indent=2).replace(LEGACY_CI_COMMAND, "#\\u0023[")
    return UNPRINTABLE.sub(_json_escape, text)


def _json_escape(found: re.Match[str]) -> str:
    char = found[0]
    # JSON escapes the controls inside its strings itself; a raw newline is its own layout.
    return char if char == "\n" else f"\\u{ord(char):04x}"


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def _github_line(problem: ContentError) -> str:
    level = "error" if problem.severity == "error" else "warning"
    key, message, hint = printable(problem.key), printable(problem.message), printable(problem.hint)
    title = f"内容检查：{key}" if key else "内容检查"
    body = f"{message}\n修改建议：{hint}" if hint else message
    path = printable(problem.path)
    params = {"file": path, "line": problem.line, "col": problem.column, "title": title}
    encoded = ",".join(
        f"{k}={_github_escape(str(v), property_value=True)}" for k, v in params.items()
    )
    return f"::{level} {encoded}::{_github_escape(body)}"


def _gitlab_issue(problem: ContentError) -> dict[str, object]:
    description = f"{problem.key}: {problem.message}" if problem.key else problem.message
    fingerprint = hashlib.sha256(
        # A file name's undecodable bytes are kept as lone surrogates: hashed as they were.
        f"{problem.path}:{problem.key}:{problem.message}".encode("utf-8", "surrogatepass")
    ).hexdigest()
    return {
        "description": description,
        "check_name": "kb-check",
        "fingerprint": fingerprint,
        "severity": "major" if problem.severity == "error" else "minor",
        "location": {"path": problem.path, "lines": {"begin": problem.line}},
    }
