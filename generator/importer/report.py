"""Import stage 6: the Chinese report of what an import did to each document."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from generator.errors import printable
from generator.importer import Imported
from generator.importer.draft import takes_figures
from generator.importer.findings import Flag, Removal
from generator.importer.source import FORMAT_NAMES
from generator.model import KINDS
from generator.rules import PLACEHOLDER

_SHOWN = 60
"""Characters of a removed or flagged span shown in the report; the place leads to the rest."""
_PER_REASON = 100
"""Spans listed one by one for each reason; beyond that they are counted. A damaged
document can have tens of thousands (a page counter on every line)."""


def _excerpt(text: str) -> str:
    text = printable(text.replace("\n", " "))
    if len(text) <= _SHOWN:
        return f"“{text}”"
    return f"“{text[:_SHOWN]}…”（共 {len(text)} 字）"


Finding = TypeVar("Finding", Flag, Removal)


def _listed(findings: Iterable[Finding], line: Callable[[Finding], str]) -> list[str]:
    """A line for each finding in the order of the source, at most :data:`_PER_REASON` for
    each reason, and how many more there are."""
    lines: list[str] = []
    counts: dict[str, int] = {}
    for finding in sorted(findings, key=lambda f: f.place.number):
        counts[finding.reason] = counts.get(finding.reason, 0) + 1
        if counts[finding.reason] <= _PER_REASON:
            lines.append(line(finding))
    lines += [
        f"  - ……另有 {count - _PER_REASON} 处“{reason}”，未逐一列出"
        for reason, count in counts.items()
        if count > _PER_REASON
    ]
    return lines


def describe_import(imported: Imported, *, root: Path) -> str:
    """Everything the editor should know about one imported document."""
    source, facts, findings = imported.source, imported.facts, imported.findings
    written = _shown_path(imported.path, root) if imported.path else "（未写入）"
    lines = [
        f"== {printable(source.path.name)} ==",
        f"草稿：{written}（{KINDS[imported.kind].label}）",
        f"格式：{FORMAT_NAMES[source.format]}；编码：{source.encoding}",
        f"标题：{printable(facts.title) or '未找到（草稿中需要填写）'}",
        f"发布日期：{facts.published + '（' + facts.published_evidence + '）' if facts.published else '原文没有写明'}",
    ]
    if facts.byline:
        lines.append(f"署名：{printable(facts.byline)}")
    if findings.changes:
        lines.append("转换与修复：")
        lines += [f"  - {change}" for change in findings.changes]
    lines.append(f"结构（{len(imported.plan.notes)} 部分）：")
    lines += [f"  - {note}" for note in imported.plan.notes] or ["  - 原文没有可识别的结构"]
    label = (
        "数据" if takes_figures(imported.kind) else "数据（本类条目没有 figures 字段，仅供参考）"
    )
    lines.append(f"{label}（{len(facts.figures)} 项）：")
    lines += [
        f"  - {figure.place.describe()}：{figure.value}　{figure.label}" for figure in facts.figures
    ]
    if facts.org_types:
        lines.append("建议的组织类型：" + facts.org_types[0].describe())
    else:
        lines.append("建议的组织类型：没有找到依据，请自行选择")
    if facts.themes:
        lines.append("建议的主题：")
        lines += [f"  - {s.describe()}" for s in facts.themes]
    else:
        lines.append("建议的主题：没有找到足够的依据，请自行选择")
    lines.append(f"需要核对的地方（{len(findings.flags)} 处）：")
    lines += _listed(
        findings.flags, lambda f: f"  - {f.place.describe()}：{f.reason}：{_excerpt(f.text)}"
    )
    lines.append(f"删去的内容（{len(findings.removals)} 处，每处都可以在原文中找到）：")
    lines += _listed(
        findings.removals, lambda r: f"  - {r.place.describe()}［{r.reason}］{_excerpt(r.text)}"
    )
    return "\n".join(lines)


CLOSING = (
    f"下一步：打开草稿，逐个处理“{PLACEHOLDER}”（核对建议、改写正文），对照上面“需要核对的地方”"
    "查看原文，然后运行 {check_command} 检查。草稿保留了原文的措辞，只是起点：正式发布的条目必须用自己的话写，"
    "并在 sources 中写明来源；事实、数字、做法名称和简短提法可以照用。"
)


def describe_run(
    imported: list[Imported],
    failures: list[str],
    *,
    skipped: list[str],
    refused: list[str],
    root: Path,
    check_command: str,
) -> str:
    """The whole report: each document, what was left out of the folders given and why,
    the failures, and what to do next (``check_command`` is how the editor runs the
    check). ``failures`` and ``refused`` are messages whose file names are already shown
    escaped; ``skipped`` are paths."""
    parts = [describe_import(item, root=root) for item in imported]
    if skipped:
        parts.append(
            "未导入的文件（扩展名不是 kb import 能读取的）：\n"
            + "\n".join(f"  - {printable(s)}" for s in skipped)
        )
    if refused:
        parts.append(
            "没有读取的链接、文件夹和特殊文件：\n" + "\n".join(f"  - {r}" for r in refused)
        )
    if failures:
        parts.append("无法导入：\n" + "\n".join(f"  - {failure}" for failure in failures))
    summary = f"共导入 {len(imported)} 个文档"
    if failures:
        summary += f"，{len(failures)} 个无法导入"
    parts.append(summary + "。" + (CLOSING.format(check_command=check_command) if imported else ""))
    return "\n\n".join(parts) + "\n"


def _shown_path(path: Path, root: Path) -> str:
    try:
        return printable(path.absolute().relative_to(root.absolute()).as_posix())
    except ValueError:
        return printable(path.as_posix())
