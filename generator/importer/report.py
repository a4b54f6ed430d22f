"""Import stage 6: the Chinese report of what an import did to each document."""

from __future__ import annotations

from pathlib import Path

from generator.importer import Imported
from generator.importer.read import FORMAT_NAMES
from generator.model import KINDS
from generator.rules import PLACEHOLDER

_SHOWN = 60
"""Characters of a removed or flagged span shown in the report; the place leads to the rest."""


def _excerpt(text: str) -> str:
    text = text.replace("\n", " ")
    if len(text) <= _SHOWN:
        return f"“{text}”"
    return f"“{text[:_SHOWN]}…”（共 {len(text)} 字）"


def describe_import(imported: Imported, *, root: Path) -> str:
    """Everything the editor should know about one imported document."""
    source, facts, findings = imported.source, imported.facts, imported.findings
    shown = _shown_path(imported.path, root) if imported.path else "（未写入）"
    lines = [
        f"== {source.path.name} ==",
        f"草稿：{shown}（{KINDS[imported.kind].label}）",
        f"格式：{FORMAT_NAMES[source.format]}；编码：{source.encoding}",
        f"标题：{facts.title or '未找到（草稿中需要填写）'}",
        f"发布日期：{facts.published + '（' + facts.published_evidence + '）' if facts.published else '原文没有写明'}",
    ]
    if facts.byline:
        lines.append(f"署名：{facts.byline}")
    if findings.changes:
        lines.append("转换与修复：")
        lines += [f"  - {change}" for change in findings.changes]
    lines.append(f"结构（{len(imported.plan.notes)} 部分）：")
    lines += [f"  - {note}" for note in imported.plan.notes] or ["  - 原文没有可识别的结构"]
    label = "数据" if imported.kind == "case" else "数据（本类条目没有 figures 字段，仅供参考）"
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
    lines += [
        f"  - {flag.place.describe()}：{flag.reason}：{_excerpt(flag.text)}"
        for flag in sorted(findings.flags, key=lambda f: f.place.number)
    ]
    lines.append(f"删去的内容（{len(findings.removals)} 处，每处都可以在原文中找到）：")
    lines += [
        f"  - {removal.place.describe()}［{removal.reason}］{_excerpt(removal.text)}"
        for removal in sorted(findings.removals, key=lambda r: r.place.number)
    ]
    return "\n".join(lines)


CLOSING = (
    f"下一步：打开草稿，逐个处理“{PLACEHOLDER}”（核对建议、改写正文），对照上面“需要核对的地方”"
    "查看原文，然后运行 kb check。草稿保留了原文的措辞，只是起点：正式发布的条目必须用自己的话写，"
    "并在 sources 中写明来源；事实、数字、做法名称和简短提法可以照用。"
)


def describe_run(
    imported: list[Imported], failures: list[str], *, skipped: list[str], root: Path
) -> str:
    """The whole report: each document, the failures, and what to do next."""
    parts = [describe_import(item, root=root) for item in imported]
    if skipped:
        parts.append(
            "未导入的文件（扩展名不是 kb import 能读取的）：\n"
            + "\n".join(f"  - {s}" for s in skipped)
        )
    if failures:
        parts.append("无法导入：\n" + "\n".join(f"  - {failure}" for failure in failures))
    summary = f"共导入 {len(imported)} 个文档"
    if failures:
        summary += f"，{len(failures)} 个无法导入"
    parts.append(summary + "。" + (CLOSING if imported else ""))
    return "\n\n".join(parts) + "\n"


def _shown_path(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()
