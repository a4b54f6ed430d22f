"""Import stage 5: the draft entry, written field by field from the content model.

Like ``kb new``'s scaffold (:mod:`generator.scaffold`), every field of the kind is
written in the model's order with its Chinese explanation above it. Values come from
the document; each one that needs the editor's judgement starts with the placeholder
``kb check`` refuses, so the draft cannot be published until someone has decided.
Once the placeholders are gone, the values fit the model (lengths, one-line fields).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from generator.emit import INDENT, flow_item, scalar_lines, schema_line
from generator.errors import printable
from generator.fields import FieldSpec, field_specs
from generator.importer.extract import TITLE_MAX, Facts
from generator.importer.structure import FieldPlan, Part, Targets
from generator.model import ENTRY_KINDS, KINDS
from generator.rules import PLACEHOLDER
from generator.scaffold import entry_path, field_comment, slug_from_title

P = PLACEHOLDER
_LINE_MAX = 190
"""One-line fields allow 200 characters; the placeholder needs room too."""
KEYWORD_MAX = 6


def choose_path(content_dir: Path, kind: str, entry_id: str, *, taken: set[str]) -> Path:
    """Where the draft goes: ``entry_id``, or ``entry_id-2`` and so on when an entry of any
    kind (or an earlier draft of this run) already has that id."""
    candidate, number = entry_id, 2
    while candidate in taken or any(
        entry_path(content_dir, other, candidate).exists() for other in ENTRY_KINDS
    ):
        candidate = f"{entry_id}-{number}"
        number += 1
    return entry_path(content_dir, kind, candidate)


def draft_id(title: str, source: Path) -> str:
    """An id from the title's pinyin, or from the file name when the title has none."""
    entry_id = slug_from_title(title) if title else ""
    if entry_id and entry_id != "entry":
        return entry_id
    stem = re.sub(r"[^a-z0-9]+", "-", source.stem.lower()).strip("-")
    return stem[:60].strip("-") or "imported"


def build_entry(
    kind: str,
    *,
    entry_id: str,
    source_name: str,
    facts: Facts,
    plan: FieldPlan,
    org_type: str | None,
    themes: tuple[str, ...],
    keywords: list[str],
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The draft's values (with placeholders where the editor must decide) and, by field,
    comments saying what the machine based its suggestions on."""
    notes: dict[str, list[str]] = {}
    data: dict[str, Any] = {"id": entry_id, "kind": kind}
    data["title"] = P + (facts.title or "标题")
    notes["title"] = ["原文的标题，请改为条目自己的标题（不超过 60 字）。"]
    data["summary"] = P + "一句话概括，不超过 80 字"
    if org_type:
        data["org_type"] = org_type
    elif facts.org_types:
        best = facts.org_types[0]
        data["org_type"] = P + best.taxon.id
        notes["org_type"] = [f"建议：{s.describe()}" for s in facts.org_types[:3]]
        notes["org_type"].append("请核对后删去“【待填写】”，或换成另一个编号。")
    else:
        data["org_type"] = P + "组织类型"
        notes["org_type"] = ["原文中没有找到能说明组织类型的词，请按 taxonomy.yml 选择。"]
    if themes:
        data["themes"] = list(themes)
    elif facts.themes:
        data["themes"] = [P + s.taxon.id for s in facts.themes]
        notes["themes"] = [f"建议：{s.describe()}" for s in facts.themes]
        notes["themes"].append("请删去不合适的主题，留下的删去“【待填写】”，最相关的放在最前。")
    else:
        data["themes"] = [P + "主题"]
    data["keywords"] = [P + word for word in keywords[:KEYWORD_MAX]]
    if keywords:
        notes["keywords"] = ["建议：原文中出现的检索词典（search-terms.txt）术语。"]
    source: dict[str, Any] = {
        "document": source_name,
        "title": facts.title[:_LINE_MAX] if facts.title else P + "来源标题",
    }
    if facts.published:
        source["published"] = facts.published
        notes["sources"] = [f"发布日期取自{facts.published_evidence}，请核对。"]
    if facts.byline:
        source["note"] = (P + "署名：" + facts.byline)[:_LINE_MAX]
    data["sources"] = [source]
    data["distinct_from"] = []
    targets = Targets.of(KINDS[kind])
    imported = {targets.main, *targets.by_role.values()}
    for spec in field_specs(KINDS[kind].model):
        if spec.name in data:
            continue
        value = _field_value(spec, plan, facts, notes, imported=spec.name in imported)
        if value is not _OMITTED:
            data[spec.name] = value
    return data, notes


_OMITTED = object()
"""The value of an optional field the draft leaves out (one that is not a list)."""


def _field_value(
    spec: FieldSpec, plan: FieldPlan, facts: Facts, notes: dict[str, list[str]], *, imported: bool
) -> Any:
    """A field's draft value: what the document's facts suggest for a field of its name,
    the document's sections the kind's declaration sends to it, or a placeholder."""
    if spec.name in _SUGGESTED:
        return _SUGGESTED[spec.name](facts, notes)
    parts = plan.parts(spec.name) if imported else []
    if spec.shape == "model" and spec.model is not None and (imported or spec.required):
        return _nested(spec.model, parts, facts, notes)
    if not parts:
        return _placeholder(spec, notes)
    if spec.shape == "text":
        return _text(parts, what=spec.label)
    if spec.item_shape == "model" and spec.model is not None:
        return [_item(spec.model, part, what=f"“{spec.label}”中的一条") for part in parts]
    return [
        f"{P}请用自己的话改写：{paragraph.text}" for part in parts for paragraph in part.paragraphs
    ]


def _nested(
    model: type[BaseModel], parts: list[Part], facts: Facts, notes: dict[str, list[str]]
) -> dict[str, Any]:
    """A field made of fields (a case's results): the document's parts go to its first
    text field, and each other field is filled as any field is."""
    values: dict[str, Any] = {}
    text = next((spec.name for spec in field_specs(model) if spec.shape == "text"), None)
    for spec in field_specs(model):
        if spec.name == text and parts:
            values[spec.name] = _text(parts, what=spec.label)
            continue
        value = _field_value(spec, FieldPlan(), facts, notes, imported=False)
        if value is not _OMITTED:
            values[spec.name] = value
    return values


def _item(model: type[BaseModel], part: Part, *, what: str) -> dict[str, Any]:
    """One titled item of a list (a step, a section) from one part of the document: the
    part's title in the item's first one-line field, its text in the first text field."""
    specs = field_specs(model)
    title = next(spec.name for spec in specs if spec.shape == "line")
    text = next(spec.name for spec in specs if spec.shape == "text")
    values: dict[str, Any] = {}
    for spec in specs:
        if spec.name == title:
            values[title] = (P if part.provisional else "") + part.title[:TITLE_MAX]
        elif spec.name == text:
            values[text] = _text([part], what=what)
        elif (value := _placeholder(spec, {})) is not _OMITTED:
            values[spec.name] = value
    return values


def _placeholder(spec: FieldSpec, notes: dict[str, list[str]]) -> Any:
    """What a field the document says nothing about holds in the draft: a marked reminder
    of what belongs there, an empty list or nothing at all when the field is optional."""
    if spec.shape == "list":
        if not spec.required:
            return []
        if spec.item_shape == "model" and spec.model is not None:
            return [_nested(spec.model, [], Facts(), {})]
        if spec.refers is not None and spec.refers.to == "entries":
            named = "或".join(KINDS[name].label for name in spec.refers.kinds or ENTRY_KINDS)
            notes[spec.name] = [f"写上{named}的编号（content/ 中已有的条目）。"]
        return [P + spec.label]
    if not spec.required:
        return _OMITTED
    if spec.shape == "model" and spec.model is not None:
        return _nested(spec.model, [], Facts(), notes)
    if spec.shape == "text" and spec.help:
        return f"{P}{spec.label}：{spec.help.rstrip('。')}"
    return P + spec.label


def _unit(facts: Facts, notes: dict[str, list[str]]) -> str:
    if not facts.byline:
        return P + "单位名称，以原始资料为准"
    notes["unit"] = ["取自署名行，请只留单位名称。"]
    return P + facts.byline[:_LINE_MAX]


def _region(facts: Facts, notes: dict[str, list[str]]) -> str:
    if facts.region is None:
        return P + "地区；原文未写明时写“原文未写明”"
    name, count = facts.region
    notes["region"] = [
        f"建议：原文提到“{name}”{count} 次；请写成省市县，原文未写明时写“原文未写明”。"
    ]
    return P + name


def _period(facts: Facts, notes: dict[str, list[str]]) -> str:
    if not facts.years:
        return P + "时间；原文未写明时如实说明"
    notes["period"] = [f"建议：原文出现的年份有 {'、'.join(facts.years)}。"]
    return P + facts.years[0] + "年" + (f"—{facts.years[-1]}年" if len(facts.years) > 1 else "")


def _figures(facts: Facts, notes: dict[str, list[str]]) -> list[dict[str, str]]:
    if facts.figures:
        notes["figures"] = [
            "这些是从原文找出的数字，数值与原文一字不差；指标是数字所在的分句，请改写成简短的说明，"
            "与成效无关的删去。"
        ]
    return [
        {"label": (P + figure.label)[:_LINE_MAX], "value": figure.value[:_LINE_MAX]}
        for figure in facts.figures
    ]


_SUGGESTED: dict[str, Callable[[Facts, dict[str, list[str]]], Any]] = {
    "unit": _unit,
    "region": _region,
    "period": _period,
    "figures": _figures,
}
"""Fields the document's facts fill, by name, in whichever kind declares them: the byline,
the province named, the years and the figures :mod:`~generator.importer.extract` finds."""


def takes_figures(kind: str) -> bool:
    """Whether a draft of ``kind`` holds the document's figures (else the report lists
    them for reference only)."""
    return _declares(KINDS[kind].model, "figures")


def _declares(model: type[BaseModel], name: str) -> bool:
    return any(
        spec.name == name or (spec.model is not None and _declares(spec.model, name))
        for spec in field_specs(model)
    )


def _text(parts: list[Part], *, what: str) -> str:
    """The parts' paragraphs as one text, opening with a marked reminder to rewrite them."""
    headings = "、".join(f"“{p.heading}”" for p in parts if p.heading)
    origin = f"（原文{headings}）" if headings else ""
    body = "\n\n".join(paragraph.text for part in parts for paragraph in part.paragraphs)
    if not body:
        return f"{P}原文{headings or '这里'}只有小标题，没有具体内容；请补写{what}，或删去这一项。"
    return f"{P}请用自己的话改写下面的原文，写成{what}{origin}。\n\n{body}"


# --- YAML ---------------------------------------------------------------------------------------


def render_draft(
    kind: str,
    data: dict[str, Any],
    notes: dict[str, list[str]],
    *,
    source_name: str,
    check_command: str,
) -> str:
    """The draft's YAML text: the schema line, what to do with it, then every field with
    its explanation above it, each value spelt as :mod:`generator.emit` spells it in the
    repository's files. ``check_command`` is how the editor runs the check.

    The text is read back before it is used: no value (a file name with a line break,
    text with characters YAML breaks lines at) may add keys or change the draft's shape.
    """
    lines = [
        schema_line(kind),
        f"# 由 kb import 从 {printable(source_name)} 生成的{KINDS[kind].label}草稿。草稿保留了原文的措辞：",
        "# 正式条目必须用自己的话改写，并在 sources 中写明来源；事实、数字、做法名称可以照用。",
        f"# 每个“{P}”都是需要你判断的地方：核对或改写后删去“{P}”。"
        f"它们都处理完之前，运行 {check_command} 检查不会通过。",
        "# 删去了哪些文字、哪些地方可疑，见导入报告。",
    ]
    lines += _fields(KINDS[kind].model, data, notes, indent="", comments=True)
    text = "\n".join(lines) + "\n"
    if not _reads_back(text, data):
        raise ValueError("the draft does not read back as written")
    return text


def _reads_back(text: str, data: dict[str, Any]) -> bool:
    """Whether ``text`` reads as ``data``: the same keys, and each value the same text."""
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # every value as text, as written
    try:
        loaded = yaml.load(text, Loader=loader)  # BaseLoader builds no objects
    except yaml.YAMLError:
        return False
    return _same(loaded, data)


def _same(loaded: Any, written: Any) -> bool:
    if isinstance(written, dict):
        return (
            isinstance(loaded, dict)
            and loaded.keys() == written.keys()
            and all(_same(loaded[key], value) for key, value in written.items())
        )
    if isinstance(written, list):
        return (
            isinstance(loaded, list)
            and len(loaded) == len(written)
            and all(_same(a, b) for a, b in zip(loaded, written, strict=True))
        )
    # a block scalar (|) reads back with the line break that ends it
    return isinstance(loaded, str) and loaded.rstrip("\n") == str(written).rstrip("\n")


def _fields(
    model: type[BaseModel],
    data: dict[str, Any],
    notes: dict[str, list[str]],
    *,
    indent: str,
    comments: bool,
) -> list[str]:
    """The fields of ``data`` in the model's order, with their explanation (and the notes
    on what the draft's values rest on) above them when ``comments``; empty lists stay,
    so that the editor sees every optional list there is."""
    lines: list[str] = []
    for spec in field_specs(model):
        if spec.name not in data:
            continue
        if comments:
            lines.append(f"{indent}# {field_comment(spec)}")
            lines += [f"{indent}# {printable(note)}" for note in notes.get(spec.name, [])]
        lines += _value(spec, data[spec.name], notes, indent=indent)
    return lines


def _value(spec: FieldSpec, value: Any, notes: dict[str, list[str]], *, indent: str) -> list[str]:
    key = f"{indent}{spec.name}:"
    inner = indent + INDENT
    if spec.shape == "model" and spec.model is not None:
        return [key, *_fields(spec.model, value, notes, indent=inner, comments=True)]
    if spec.shape != "list":
        text = spec.shape == "text"
        return scalar_lines(key, value, block=text, lone=text, indent=inner)
    if not value:
        return [f"{key} []"]
    if spec.item_shape == "model" and spec.model is not None:
        lines = [key]
        for number, item in enumerate(value):
            body = _fields(spec.model, item, {}, indent=inner + INDENT, comments=number == 0)
            first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
            lines += [f"{inner}{line.lstrip()}" for line in body[:first]]
            lines.append(f"{inner}- {body[first].lstrip()}")
            lines += body[first + 1 :]
        return lines
    if spec.item_shape != "text":  # ids and keywords: one line in brackets
        return [f"{key} [{', '.join(flow_item(item) for item in value)}]"]
    lines = [key]
    for item in value:
        lines += scalar_lines(f"{inner}-", item, block=True, lone=False, indent=inner + INDENT)
    return lines
