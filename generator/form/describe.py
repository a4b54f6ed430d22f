"""What the editors' form needs to know, derived from the content model and its schemas.

Two parts: :func:`form_model`, which the form page carries as JSON, is what the form is
drawn and written from: the kinds of content file and their labels and folders; each
kind's fields in the model's order, with label, help text, whether required, shape,
nesting and what an id names; the taxonomy to pick from; and the rules the browser's
YAML writer follows (:mod:`generator.emit`). :func:`form_rules`, written beside the
form's other data and loaded with the first check, is what it checks with: the JSON
Schemas ``kb schema`` writes, as the form's validator compiles them, and how ``kb
check`` words and quotes what it finds. Nothing here is restated in the browser.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from typing import Any

from annotated_types import MaxLen, MinLen
from markupsafe import Markup
from pydantic import BaseModel, StringConstraints

from generator.check.similar import (
    CLAUSE_BREAK,
    COMMON,
    MIN_CLAUSE,
    MIN_SHARED,
    SIMILARITY_THRESHOLD,
    SKETCH,
    compared_fields,
)
from generator.emit import emit_rules, js_pattern, schema_line
from generator.fields import FieldSpec, field_specs
from generator.model import KINDS, Question, Taxonomy
from generator.quiz import (
    ANSWER_SEPARATORS,
    JUDGE_ANSWERS,
    LETTERS,
    MIN_OPTIONS,
    TYPE_LABELS,
    WORDS,
)
from generator.quoting import MAX_QUOTE, char_name, spelled_as_codes
from generator.rules import (
    CHINESE_RANGES,
    HIDDEN_PATTERN,
    INVISIBLE,
    ONE_LINE_PATTERN,
    PATTERN_RULES,
    PLACEHOLDER,
    SHOWING_PATTERN,
    SLUG_PATTERN,
    SUMMARY_MAX,
    TITLE_PATTERN,
    VARIATION_SELECTORS,
    WHITESPACE,
)
from generator.schema import build_schemas

_PYTHON_SPACE = "".join(re.findall(r"\s", "".join(map(chr, range(0x10000)))))
"""What Python's ``\\s`` matches (JavaScript's differs at a few control characters)."""
_REFUSED = re.compile(f"[{INVISIBLE}{VARIATION_SELECTORS}{WHITESPACE}]")

FORMAT = 1
"""Goes up when the description changes shape, so a saved draft can tell."""
_ANNOTATIONS = {"description", "title", "enumDescriptions", "markdownEnumDescriptions", "default"}
"""Schema words for people reading the file; the form shows labels and help of its own."""
MESSAGES = {
    "missing": ("“{label}”没有填写。", "请填写{help}"),
    "empty": ("“{label}”不能为空。", "请填写{help}"),
    "empty_pick": ("“{label}”不能为空。", "请从列表中选择。"),
    "too_long": ("“{label}”最多 {limit} 字，实际有 {count} 字。", "请精简文字。"),
    "pattern": ("“{label}”{what}，实际是“{value}”。", "{hint}"),
    "padded": (
        "“{label}”的前后不能有空格，实际是“{value}”。",
        "编号用作文件名和网址，请删掉引号里的空格，写成 {stripped}。",
    ),
    "schema": ("{text}", ""),
    "other": ("“{label}”的值不符合要求。", "请按说明填写：{help}"),
    "min_items": ("“{label}”至少需要 {limit} 项，实际有 {count} 项。", "请补充。"),
    "max_items": ("“{label}”最多 {limit} 项，实际有 {count} 项。", "请只保留最相关的几项。"),
    "repeated": ("{label}“{value}”重复列出。", "每个{label}只写一次。"),
    "placeholder": (
        "这里还是模板中的占位文字：“{value}”。",
        f"请把“{PLACEHOLDER}”和它后面的提示换成实际内容；"
        f"后面已经是要写的内容时，删去“{PLACEHOLDER}”即可。{{optional}}",
    ),
    "placeholder_optional": ("", "这个字段可省略，不需要时清空即可。"),
    "invisible": (
        "“{label}”含有看不见的字符{char}（在第 {offset} 个字处）。",
        "这类字符常随从网页、Word 或 PDF 复制来的文字混入，会让文字显示错乱或变成空白；"
        "请删除它，或把这段文字重新输入一遍（粘贴进表单的文字会自动去掉这类字符）。",
    ),
    "blank": (
        "“{label}”只有看不见的字符{char}，等于没有填写。",
        "这类字符常随从网页、Word 或 PDF 复制来的文字混入；请删除它们，填写{help}",
    ),
    "reserved": (
        "“{label}”不能用“{value}”：这个名字是网站目录页的文件名，或 Windows 不允许的文件名。",
        "请换一个编号，例如在后面加上地名或单位名。",
    ),
    "id_taken": (
        "编号“{value}”已被 {path} 使用。",
        "每个条目的编号必须唯一，请换一个编号，并同时修改文件名。",
    ),
    "repeated_title": (
        "标题“{value}”已被 {path} 使用。",
        "读者在列表和检索结果中分不清同名的两个条目；请改一个能区分的标题，例如写上单位或地区。",
    ),
    "unknown_entry": ("不存在编号为“{value}”的条目。", "请从已有条目中选择，或核对编号。"),
    "cites_practice": (
        "“{value}”是一条经验做法，这里只能引用典型案例或学习资料。",
        "请改为体现这一做法的案例或资料的编号。",
    ),
    "repeated_entry": (
        "条目“{value}”在本专题中重复列出。",
        "每个条目只列一次；需要强调时，可以写在它的 note（选编理由）里。",
    ),
    "similar": (
        "内容与 {path} 高度相似（约 {percent} 相同），可能是同一条目提交了两次。",
        "如果是同一个条目，请合并为一个；如果确实是不同的条目，请在“并非重复”中加上 {other}，说明已经核实过。",
    ),
    "no_data": (
        "没能读取网站上已有条目的数据，无法检查编号是否重复、引用的条目是否存在。",
        "网站可能还在生成或不完整；这些检查会在提交后由 kb check 完成。",
    ),
}
"""What the form says for each kind of problem, in ``kb check``'s words (its messages are in
:mod:`generator.check`; ``tests/test_form_agreement.py`` holds the two to the same
wording). The schema carries its own words for patterns and the taxonomy (``schema``)."""
_SHARED_PATTERN = 120
"""Patterns at least this long are written once and referred to (the invisible-character
class stands in every text field's schema)."""


_SCRIPT_UNSAFE = re.compile("[<>&\u007f-\u009f\u2028\u2029]")


def script_json(data: Any) -> Markup:
    """``data`` as JSON that can stand inside a ``<script>`` element: no ``<`` to close it,
    no line separators that old engines (and Python's ``splitlines``) take for line ends."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(_SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def form_description(taxonomy: Taxonomy) -> dict[str, Any]:
    """Everything the form needs about the model, as plain JSON data: what it is drawn and
    written from (:func:`form_model`) and what it checks with (:func:`form_rules`)."""
    return {**form_model(taxonomy), **form_rules(taxonomy)}


def form_model(taxonomy: Taxonomy) -> dict[str, Any]:
    """What the form page carries: enough to draw every kind's fields, take pasted text and
    dates, and write the file. What it checks with comes with the first check."""
    return {
        "format": FORMAT,
        "kinds": [
            {
                "kind": kind.name,
                "label": kind.label,
                "folder": kind.folder,
                "entry": kind.is_entry,
                "importable": bool(kind.import_main),
                "first_line": schema_line(kind.name),
                "fields": _fields(kind.model),
                "compared": sorted(compared_fields(kind.model)),
            }
            for kind in KINDS.values()
        ],
        "taxonomy": {
            group: [
                {"id": taxon.id, "name": taxon.name, "description": taxon.description}
                for taxon in getattr(taxonomy, group)
            ]
            for group in ("org_types", "themes")
        },
        "placeholder": PLACEHOLDER,
        "slug_pattern": SLUG_PATTERN,
        "whitespace": WHITESPACE,
        "summary_max": SUMMARY_MAX,
        "yaml": emit_rules(),
        "paste": paste_rules(),
    }


def form_rules(taxonomy: Taxonomy) -> dict[str, Any]:
    """What the form checks an entry with, loaded with its validator at the first check
    (:mod:`generator.form.data` writes it): the JSON Schemas ``kb schema`` writes, and what
    ``kb check``'s messages say and how they quote an editor's text."""
    patterns: list[str] = []
    built = build_schemas(taxonomy)
    return {
        "schemas": {kind: _compact(built[f"{kind}.schema.json"], patterns) for kind in KINDS},
        "patterns": patterns,
        "pattern_rules": {
            pattern: list(PATTERN_RULES[pattern])
            for pattern in (SLUG_PATTERN, TITLE_PATTERN, ONE_LINE_PATTERN)
        },
        "quote": {"escaped": quoted_as_codes(), "limit": MAX_QUOTE, "described": 20},
        "similar": similar_rules(),
        "quiz": quiz_rules(),
        "messages": MESSAGES,
        "hidden": js_pattern(HIDDEN_PATTERN),
        "showing": js_pattern(SHOWING_PATTERN),
        "char_names": char_names(),
    }


def quiz_rules() -> dict[str, Any]:
    """What makes a self-test question sound (:mod:`generator.quiz`), for the browser: the
    field of each kind that holds questions, the letters and answers, and kb check's words."""
    fields = {
        kind.name: spec.name
        for kind in KINDS.values()
        for spec in field_specs(kind.model)
        if spec.model is Question
    }
    return {
        "fields": fields,
        "letters": LETTERS,
        "judge": list(JUDGE_ANSWERS),
        "types": TYPE_LABELS,
        "min_options": MIN_OPTIONS,
        "separators": _python_spaces(ANSWER_SEPARATORS.pattern),
        "words": WORDS,
    }


def _python_spaces(pattern: str) -> str:
    """``pattern`` with ``\\s`` spelled out as Python's ``re`` reads it (JavaScript's differs)."""
    return pattern.replace(r"\s", "".join(f"\\u{ord(c):04x}" for c in _PYTHON_SPACE))


def similar_rules() -> dict[str, Any]:
    """The near-duplicate check's settings (:mod:`generator.check.similar`), for the
    browser; which fields it compares is each kind's ``compared``."""
    breaks = _python_spaces(CLAUSE_BREAK.pattern)
    return {
        "threshold": SIMILARITY_THRESHOLD,
        "min_clause": MIN_CLAUSE,
        "common": COMMON,
        "sketch": SKETCH,
        "min_shared": MIN_SHARED,
        "clause_break": breaks,
    }


@functools.cache
def quoted_as_codes() -> str:
    """A character class of what ``kb check``'s messages spell as ``<U+XXXX>`` when they quote
    an editor's text (:func:`generator.quoting.visible`), for the browser's messages. Planes 0,
    1 and 14 hold every such character; the other planes are ideographs and private use."""
    planes = itertools.chain(range(0x10000), range(0x10000, 0x20000), range(0xE0000, 0xF0000))
    spelled = spelled_as_codes("".join(map(chr, planes))) - {"\n"}
    ranges: list[list[int]] = []
    for code in sorted(map(ord, spelled)):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(_class_range(low, high) for low, high in ranges) + "]"


def _class_range(low: int, high: int) -> str:
    def one(code: int) -> str:
        return f"\\u{{{code:x}}}"

    return one(low) if low == high else f"{one(low)}-{one(high)}"


@functools.cache
def char_names() -> dict[str, str]:
    """The names ``kb check`` gives the characters it refuses (:func:`generator.quoting.char_name`)."""
    found = {}
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or not _REFUSED.match(char):
            continue
        name = char_name(char)
        if not name.startswith("U+"):
            found[char] = name
    return found


def paste_rules() -> dict[str, Any]:
    """How the form tidies pasted text: as ``kb import`` tidies a document's lines."""
    # Imported here: the importer loads the pinyin dictionary and document readers, which
    # a build needs only for the form page.
    from generator.importer.clean import _HALF_WIDTH as HALF_WIDTH
    from generator.importer.clean import _ODD_SPACES as ODD_SPACES
    from generator.importer.paragraphs import HEADING_START, SENTENCE_END

    return {
        "invisible": js_pattern(f"[{INVISIBLE}]"),
        "odd_spaces": ODD_SPACES.pattern,
        "heading_start": HEADING_START.pattern,
        "sentence_end": SENTENCE_END,
        # The form's script tests one character at a time with a class written without the
        # regular expressions' Unicode mode, where only ranges of the Basic Multilingual
        # Plane can be written; a rarer character is left as it is.
        "cjk": "".join(f"{chr(low)}-{chr(high)}" for low, high in CHINESE_RANGES if high <= 0xFFFF),
        "half_width": HALF_WIDTH,
    }


def _fields(model: type[BaseModel]) -> list[dict[str, Any]]:
    return [_field(model, spec) for spec in field_specs(model)]


def _field(model: type[BaseModel], spec: FieldSpec) -> dict[str, Any]:
    info = model.model_fields[spec.name]
    described: dict[str, Any] = {
        "name": spec.name,
        "label": spec.label,
        "help": spec.help,
        "required": spec.required,
        "shape": spec.shape,
    }
    if spec.item_shape:
        described["item"] = spec.item_shape
    if spec.choices:
        described["choices"] = [{"value": value, "name": name} for value, name in spec.choices]
    if spec.refers is not None:
        described["refers"] = {"to": spec.refers.to, "kinds": list(spec.refers.kinds)}
    limits = _limits(info.annotation, info.metadata)
    described.update(limits)
    if spec.model is not None:
        described["fields"] = _fields(spec.model)
    return described


def _limits(annotation: Any, metadata: list[Any]) -> dict[str, Any]:
    """What a text must be (``kb check``'s own pattern, most characters) and how many items a
    list takes."""
    found: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, MinLen):
            found["min_items"] = item.min_length
        elif isinstance(item, MaxLen):
            found["max_items"] = item.max_length
    for item in [*metadata, *_constraints(annotation)]:
        if isinstance(item, StringConstraints):
            if item.max_length is not None:
                found["max_length"] = item.max_length
            if item.pattern is not None:
                found["pattern"] = item.pattern
            found["stripped"] = bool(item.strip_whitespace)
            break
    return found


def _constraints(annotation: Any) -> list[Any]:
    """The string constraints of a text, or of each text of a list."""
    found = [m for m in getattr(annotation, "__metadata__", ()) if isinstance(m, StringConstraints)]
    for arg in getattr(annotation, "__args__", ()):
        found += _constraints(arg)
    return found


def _compact(schema: Any, patterns: list[str]) -> Any:
    """``schema`` without what people read, long patterns replaced by ``{"$p": n}``
    (the browser puts them back before compiling)."""
    if isinstance(schema, dict):
        compact: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _ANNOTATIONS and not isinstance(value, dict):
                continue
            if key == "pattern" and len(value) >= _SHARED_PATTERN:
                if value not in patterns:
                    patterns.append(value)
                compact[key] = {"$p": patterns.index(value)}
            else:
                compact[key] = _compact(value, patterns)
        return compact
    if isinstance(schema, list):
        return [_compact(item, patterns) for item in schema]
    return schema
