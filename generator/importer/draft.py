"""Import stage 5: the draft entry, written field by field from the content model.

Like ``kb new``'s scaffold (:mod:`generator.scaffold`), every field of the kind is
written in the model's order with its Chinese explanation above it. Values come from
the document; each one that needs the editor's judgement starts with the placeholder
``kb check`` refuses, so the draft cannot be published until someone has decided.
Once the placeholders are gone, the values fit the model (lengths, one-line fields).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from generator.fields import FieldSpec, field_specs
from generator.importer.extract import TITLE_MAX, Facts
from generator.importer.findings import shown
from generator.importer.structure import FieldPlan, Part
from generator.model import ENTRY_KINDS, KINDS
from generator.rules import PLACEHOLDER
from generator.scaffold import (
    SCHEMA_COMMENT,
    entry_path,
    field_comment,
    slug_from_title,
    yaml_scalar,
)

P = PLACEHOLDER
_LINE_MAX = 190
"""One-line fields allow 200 characters; the placeholder needs room too."""
_FLOW_ITEM = re.compile(r"^[\w【】\-]+$")
_YAML_SPECIAL = re.compile(
    r"^(?:[-+]?[\d.]+(?:[eE][-+]?\d+)?|true|false|null|yes|no|on|off|~)$", re.I
)
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
    builders = {"case": _case_fields, "practice": _practice_fields, "material": _material_fields}
    builders[kind](data, notes, plan, facts)
    return data, notes


def _text(parts: list[Part], *, what: str) -> str:
    """The parts' paragraphs as one text, opening with a marked reminder to rewrite them."""
    headings = "、".join(f"“{p.heading}”" for p in parts if p.heading)
    origin = f"（原文{headings}）" if headings else ""
    body = "\n\n".join(paragraph.text for part in parts for paragraph in part.paragraphs)
    if not body:
        return f"{P}原文{headings or '这里'}只有小标题，没有具体内容；请补写{what}，或删去这一项。"
    return f"{P}请用自己的话改写下面的原文，写成{what}{origin}。\n\n{body}"


def _steps(parts: list[Part], *, what: str) -> list[dict[str, str]]:
    steps = []
    for part in parts:
        title = part.title[:TITLE_MAX]
        steps.append(
            {
                "title": P + title if part.provisional else title,
                "text": _text([part], what=what),
            }
        )
    return steps or [{"title": P + "小标题", "text": P + "具体说明"}]


def _case_fields(
    data: dict[str, Any], notes: dict[str, list[str]], plan: FieldPlan, facts: Facts
) -> None:
    data["unit"] = P + (facts.byline[:_LINE_MAX] if facts.byline else "单位名称，以原始资料为准")
    if facts.byline:
        notes["unit"] = ["取自署名行，请只留单位名称。"]
    if facts.region:
        name, count = facts.region
        data["region"] = P + name
        notes["region"] = [
            f"建议：原文提到“{name}”{count} 次；请写成省市县，原文未写明时写“原文未写明”。"
        ]
    else:
        data["region"] = P + "地区；原文未写明时写“原文未写明”"
    if facts.years:
        span = facts.years[0] + "年" + (f"—{facts.years[-1]}年" if len(facts.years) > 1 else "")
        data["period"] = P + span
        notes["period"] = [f"建议：原文出现的年份有 {'、'.join(facts.years)}。"]
    else:
        data["period"] = P + "时间；原文未写明时如实说明"
    background = plan.parts("background")
    data["background"] = _text(background, what="背景与起因") if background else P + "背景与起因"
    data["actions"] = _steps(plan.parts("actions"), what="这一条做法")
    results = plan.parts("results")
    data["results"] = {
        "summary": _text(results, what="成效概述")
        if results
        else P + "成效概述：取得了哪些成效、得到什么反响",
        "figures": [
            {"label": (P + figure.label)[:_LINE_MAX], "value": figure.value[:_LINE_MAX]}
            for figure in facts.figures
        ],
    }
    if facts.figures:
        notes["results"] = [
            "figures 是从原文找出的数字，数值与原文一字不差；指标是数字所在的分句，请改写成简短的说明，"
            "与成效无关的删去。"
        ]
    lessons = plan.parts("lessons")
    data["lessons"] = [
        f"{P}请用自己的话改写：{paragraph.text}"
        for part in lessons
        for paragraph in part.paragraphs
    ] or [P + "经验启示"]


def _practice_fields(
    data: dict[str, Any], notes: dict[str, list[str]], plan: FieldPlan, facts: Facts
) -> None:
    data["steps"] = _steps(plan.parts("steps"), what="这一步")
    data["fits"] = P + "适用场景：适合哪些组织、什么情况"
    data["cases"] = [P + "实例"]
    notes["cases"] = ["写上体现这一做法的典型案例或学习资料的编号（content/ 中已有的条目）。"]
    cautions = plan.parts("cautions")
    data["cautions"] = [
        f"{P}请用自己的话改写：{paragraph.text}"
        for part in cautions
        for paragraph in part.paragraphs
    ]


def _material_fields(
    data: dict[str, Any], notes: dict[str, list[str]], plan: FieldPlan, facts: Facts
) -> None:
    sections = []
    for part in plan.parts("sections"):
        title = part.title[:TITLE_MAX]
        sections.append(
            {
                "title": P + title if part.provisional else title,
                "text": _text([part], what="这一部分"),
                "points": [],
            }
        )
    data["sections"] = sections or [{"title": P + "小标题", "text": P + "正文", "points": []}]
    data["key_points"] = [P + "读者应当记住的一条要点"]


# --- YAML ---------------------------------------------------------------------------------------


def render_draft(
    kind: str, data: dict[str, Any], notes: dict[str, list[str]], *, source_name: str
) -> str:
    """The draft's YAML text: the schema line, what to do with it, then every field.

    The text is read back before it is used: a value that would not read back as itself
    (a file name with a line break, text with characters YAML breaks lines at) must
    never add keys or change the draft's shape, so then every value is written quoted.
    """
    text = _render(kind, data, notes, source_name=source_name, quoted=False)
    if not _reads_back(text, data):
        text = _render(kind, data, notes, source_name=source_name, quoted=True)
        if not _reads_back(text, data):
            raise ValueError("the draft does not read back as written")
    return text


def _render(
    kind: str, data: dict[str, Any], notes: dict[str, list[str]], *, source_name: str, quoted: bool
) -> str:
    lines = [
        SCHEMA_COMMENT.format(kind=kind),
        f"# 由 kb import 从 {shown(source_name)} 生成的{KINDS[kind].label}草稿。草稿保留了原文的措辞：",
        "# 正式条目必须用自己的话改写，并在 sources 中写明来源；事实、数字、做法名称可以照用。",
        f"# 每个“{P}”都是需要你判断的地方：核对或改写后删去“{P}”。它们都处理完之前，kb check 不会通过。",
        "# 删去了哪些文字、哪些地方可疑，见导入报告。",
    ]
    emit = _Emitter(quoted=quoted)
    lines += emit.fields(KINDS[kind].model, data, notes, indent="", comments=True)
    return "\n".join(lines) + "\n"


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


_BLOCK_SAFE = re.compile(
    r"[\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
"""Characters a ``|`` block can hold as they are: YAML's printable ones, without those it
starts a new line at (CR, NEL, the Unicode line and paragraph separators) or refuses (BOM)."""


class _Emitter:
    """The draft's fields in the model's order, comments above; scalars plain where that
    reads back, double-quoted with escapes otherwise (always, when ``quoted``)."""

    def __init__(self, *, quoted: bool) -> None:
        self.quoted = quoted

    def fields(
        self,
        model: type[BaseModel],
        data: dict[str, Any],
        notes: dict[str, list[str]],
        *,
        indent: str,
        comments: bool,
    ) -> list[str]:
        lines: list[str] = []
        for spec in field_specs(model):
            if spec.name not in data:
                continue
            if comments:
                lines.append(f"{indent}# {field_comment(spec)}")
                lines += [f"{indent}# {shown(note)}" for note in notes.get(spec.name, [])]
            lines += self._value(spec, data[spec.name], indent=indent)
        return lines

    def _value(self, spec: FieldSpec, value: Any, *, indent: str) -> list[str]:
        key = f"{indent}{spec.name}:"
        if spec.shape == "model" and spec.model is not None:
            return [key, *self.fields(spec.model, value, {}, indent=indent + "  ", comments=True)]
        if spec.shape == "list":
            if not value:
                return [f"{key} []"]
            if spec.item_shape == "model" and spec.model is not None:
                return [key, *self._items(spec.model, value, indent=indent)]
            if not self.quoted and all(_FLOW_ITEM.match(str(item)) for item in value):
                return [f"{key} [{', '.join(map(str, value))}]"]
            lines = [key]
            for item in value:
                lines += self._scalar(f"{indent}  -", str(item), indent=indent + "    ", block=True)
            return lines
        return self._scalar(key, str(value), indent=indent + "  ", block=spec.shape == "text")

    def _items(self, model: type[BaseModel], items: list[Any], *, indent: str) -> list[str]:
        lines = []
        for number, item in enumerate(items):
            body = self.fields(model, item, {}, indent=indent + "    ", comments=number == 0)
            first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
            lines += [f"{indent}  {line.lstrip()}" for line in body[:first]]
            lines.append(f"{indent}  - {body[first].lstrip()}")
            lines += body[first + 1 :]
        return lines

    def _scalar(self, key: str, text: str, *, indent: str, block: bool) -> list[str]:
        if self.quoted or not _BLOCK_SAFE.fullmatch(text.replace("\n", "")):
            return [f"{key} {_double_quoted(text)}"]
        if block and ("\n" in text or len(text) > 60) and not text.startswith((" ", "\n")):
            return [f"{key} |", *[f"{indent}{line}" if line else "" for line in text.split("\n")]]
        if "\n" in text or not text.isprintable():
            return [f"{key} {_double_quoted(text)}"]
        if _YAML_SPECIAL.match(text):
            return [f'{key} "{text}"']
        return [f"{key} {yaml_scalar(text)}"]


def _double_quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar, every line break and control escaped."""
    return (
        yaml.dump(
            text, Dumper=yaml.SafeDumper, default_style='"', allow_unicode=True, width=1 << 30
        )
        .rstrip("\n")
        .removesuffix("\n...")
        .rstrip("\n")
    )
