"""Problem reports in the formats editors and CI systems read."""

from __future__ import annotations

import hashlib
import json

from generator.errors import ContentError, format_report

FORMATS = ("text", "json", "github", "gitlab")
"""``text`` for people; ``json`` for scripts; ``github`` workflow commands that annotate
pull-request lines; ``gitlab`` a Code Quality report that GitLab shows on merge requests."""


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
        return json.dumps(data, ensure_ascii=False, indent=2)
    if output_format == "github":
        return "\n".join(_github_line(p) for p in problems)
    if output_format == "gitlab":
        return json.dumps([_gitlab_issue(p) for p in problems], ensure_ascii=False, indent=2)
    return format_report(problems) if problems else ""


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def _github_line(problem: ContentError) -> str:
    level = "error" if problem.severity == "error" else "warning"
    title = f"内容检查：{problem.key}" if problem.key else "内容检查"
    body = f"{problem.message}\n修改建议：{problem.hint}" if problem.hint else problem.message
    params = {"file": problem.path, "line": problem.line, "col": problem.column, "title": title}
    encoded = ",".join(
        f"{k}={_github_escape(str(v), property_value=True)}" for k, v in params.items()
    )
    return f"::{level} {encoded}::{_github_escape(body)}"


def _gitlab_issue(problem: ContentError) -> dict[str, object]:
    description = f"{problem.key}: {problem.message}" if problem.key else problem.message
    fingerprint = hashlib.sha256(
        f"{problem.path}:{problem.key}:{problem.message}".encode()
    ).hexdigest()
    return {
        "description": description,
        "check_name": "kb-check",
        "fingerprint": fingerprint,
        "severity": "major" if problem.severity == "error" else "minor",
        "location": {"path": problem.path, "lines": {"begin": problem.line}},
    }
