"""The content model, declared once.

Every field's docstring is the editor-facing description: it feeds the JSON
Schema, the scaffolds and the wording of validation errors. A docstring starts
with the field's Chinese label, then a full-width colon and the explanation.
"""

from __future__ import annotations

import datetime
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError, core_schema

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TITLE_REFUSED = r"<>\n\r"
ONE_LINE_REFUSED = r"\n\r"
TITLE_PATTERN = f"^[^{TITLE_REFUSED}]+$"
ONE_LINE_PATTERN = f"^[^{ONE_LINE_REFUSED}]+$"
PATTERN_RULES = {
    SLUG_PATTERN: (
        "只能由小写英文字母、数字和连字符组成",
        "例如 wangcun-community；不要用中文、空格或大写字母。",
    ),
    TITLE_PATTERN: ("不能包含尖括号 < > 或换行", "书名请用书名号《》，并写在一行内。"),
    ONE_LINE_PATTERN: ("只能写一行", "请把内容写在一行内。"),
}
"""What each pattern asks for, in editors' words: (what is wrong, what to do). The editors'
schemas' patterns for text (see :func:`_trimmed`) are added below, where they are made."""
SUMMARY_MAX = 80
PLACEHOLDER = "【待填写】"
"""Marks every value in a new entry's scaffold; validation rejects text that still has it."""
RESERVED_IDS = frozenset(
    ["index", "con", "prn", "aux", "nul"]
    + [f"{device}{n}" for device in ("com", "lpt") for n in range(1, 10)]
)
"""Ids that cannot name a page: ``index`` is each folder's listing, the rest are names
Windows cannot store as files (a site copied onto a Windows host would lose them)."""

# Character classes below are written once for Python's ``re`` (``kb check``) and for the
# JavaScript regular expressions the YAML language server runs with the ``u`` flag (the
# editors' schemas): ``\uXXXX`` escapes for the Basic Multilingual Plane, and the
# characters themselves beyond it, which both read as one code point each (the schema
# files spell them as JSON escapes).
WHITESPACE = r"\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""Unicode's White_Space characters: what ``kb check`` strips from both ends of a text."""
_STRIPPED = "".join(
    chr(code) for code in range(0x3001) if re.fullmatch(f"[{WHITESPACE}]", chr(code))
)
INVISIBLE = (
    r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    r"\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    r"\u200b-\u200f\u2028-\u202e\u2060-\u206f\u2800\u3164\ufeff\uffa0\ufff0-\ufffb"
    r"\ud800-\udfff"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e00ff\U000e01f0-\U000e0fff"
)
"""Characters a reader cannot see or that change how the text around them displays, refused
wherever they stand: control characters; Unicode's default-ignorable characters (soft
hyphen, zero-width characters and joiners, direction marks, embeddings, overrides and
isolates, invisible operators, Mongolian variation selectors, Hangul fillers, tags) except
the variation selectors below; line and paragraph separators; the blank-looking braille pattern U+2800 and
interlinear annotation marks U+FFF9–U+FFFB; lone surrogates. Nothing here belongs in a
Chinese study text; ZWJ emoji sequences are refused with the joiner."""
CHINESE_CHARACTERS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff" "\U00020000-\U0003134f"
_DRAWING_SELECTORS = r"\ufe00-\ufe0f"
_IDEOGRAPHIC_SELECTORS = "\U000e0100-\U000e01ef"
VARIATION_SELECTORS = f"{_DRAWING_SELECTORS}{_IDEOGRAPHIC_SELECTORS}"
"""Variation selectors choose how the character before them is drawn, so where they may
stand is the rule: U+FE00–U+FE0F right after a character that shows and is not a Chinese
character (U+FE0F makes ☎ an emoji, 1 U+FE0F U+20E3 a keycap), U+E0100–U+E01EF right after
a Chinese character (a variant glyph, as rare names need). Anywhere else (first, after a
space or another invisible character, doubled, U+FE0F after 社) they change nothing a
reader sees, yet keep the text from matching what readers search for: refused."""
_SHOWS_NOTHING = f"{WHITESPACE}{INVISIBLE}{VARIATION_SELECTORS}"
_NO_DRAWING_BASE = f"{WHITESPACE}{VARIATION_SELECTORS}{CHINESE_CHARACTERS}"
"""What U+FE00–U+FE0F cannot follow (an invisible character before it is refused itself)."""
HIDDEN_PATTERN = (
    f"[{INVISIBLE}]|(?:^|[{_NO_DRAWING_BASE}])[{_DRAWING_SELECTORS}]"
    f"|(?:^|[^{CHINESE_CHARACTERS}])[{_IDEOGRAPHIC_SELECTORS}]"
)
"""Text holding a character of :data:`INVISIBLE` or a stray variation selector."""
_HIDDEN = re.compile(
    f"[{INVISIBLE}]|(?:^|(?<=[{_NO_DRAWING_BASE}]))[{_DRAWING_SELECTORS}]"
    f"|(?:^|(?<=[^{CHINESE_CHARACTERS}]))[{_IDEOGRAPHIC_SELECTORS}]"
)
""":data:`HIDDEN_PATTERN` for ``kb check``, matching the refused character alone, so that
messages can name it and where it stands."""
_SHOWING = re.compile(f"[^{_SHOWS_NOTHING}]")
"""A character that shows: text without one is empty, whatever else it holds."""


@dataclass(frozen=True, eq=False)  # hashed by identity: type annotations hash their metadata
class Refusal:
    """Field metadata: a rule checked after the field's own validation, and the same rule
    added to the field's JSON Schema, so editors' schemas refuse what the model refuses."""

    check: Callable[[Any], Any]
    """Returns the value, or raises ``PydanticCustomError`` naming what is wrong."""
    json_schema: dict[str, Any]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {**handler(schema), **self.json_schema}


_MAYBE_HIDDEN = re.compile(f"[{INVISIBLE}{VARIATION_SELECTORS}]")
"""One character class, which the engine scans for fast: most texts hold none of these, and
only those that do need :data:`_HIDDEN`'s look at what stands before a selector."""


def _refuse_invisible(text: str) -> str:
    found = _HIDDEN.search(text) if _MAYBE_HIDDEN.search(text) else None
    if found:
        kind = "invisible_character" if _SHOWING.search(text) else "blank_text"
        raise PydanticCustomError(
            kind, kind.replace("_", " "), {"char": found.group(), "offset": found.start()}
        )
    return text


def _refuse_padding(text: str) -> str:
    if text != text.strip(_STRIPPED):
        raise PydanticCustomError("surrounding_space", "surrounding space", {"value": text})
    return text


def _refuse_reserved(slug: str) -> str:
    if slug.lower() in RESERVED_IDS:
        raise PydanticCustomError("reserved_id", "reserved id", {"value": slug})
    return slug


VISIBLE = Refusal(_refuse_invisible, {"not": {"pattern": f"{HIDDEN_PATTERN}|{PLACEHOLDER}"}})
"""Text holding :data:`INVISIBLE` characters or stray variation selectors is refused, and
text of nothing else is refused as empty; editors' schemas also refuse the scaffold's
placeholder, which ``kb check`` reports with its own message."""
NOT_RESERVED = Refusal(_refuse_reserved, {"not": {"enum": sorted(RESERVED_IDS)}})
NOT_PADDED = Refusal(_refuse_padding, {})
"""An id written with spaces around it (in quotes) is refused rather than read without
them: ids name files and pages, and the editors' schemas offer them as a pick list, which
cannot take spaces either."""


@dataclass(frozen=True, eq=False)
class _TrimmedSchema:
    """Field metadata: the editors' schema of a text that ``kb check`` reads without the
    spaces around it. YAML keeps them in quotes and ends "|" text with a line break; a
    schema cannot strip, so one pattern on the text as written asks what ``kb check`` asks
    of the stripped text (not empty, no refused character, at most so many characters),
    in place of ``minLength``, ``maxLength`` and ``pattern``."""

    json_pattern: str

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        replaced = {"minLength", "maxLength", "pattern"}
        found = {k: v for k, v in handler(schema).items() if k not in replaced}
        return {**found, "pattern": self.json_pattern}


def _trimmed(
    *, max_length: int | None = None, pattern: str | None = None
) -> tuple[StringConstraints, _TrimmedSchema]:
    """Field metadata for text: stripped, not empty, at most ``max_length`` characters and
    matching ``pattern`` (:data:`TITLE_PATTERN` or :data:`ONE_LINE_PATTERN`), for
    ``kb check``; the same rules for the editors' schema, as one pattern."""
    refused = {TITLE_PATTERN: TITLE_REFUSED, ONE_LINE_PATTERN: ONE_LINE_REFUSED, None: ""}[pattern]
    edge = f"[^{WHITESPACE}{refused}]"
    inside = f"[^{refused}]" if refused else r"[\s\S]"
    if max_length is None and not refused:
        written = edge  # some character that is not a space, anywhere
    else:
        count = "*" if max_length is None else f"{{0,{max_length - 2}}}"
        written = f"^[{WHITESPACE}]*{edge}(?:{inside}{count}{edge})?[{WHITESPACE}]*$"
    what = "不能为空（只有空格不算）"
    hint = "请填写内容。"
    if pattern is not None:
        what += "，" + PATTERN_RULES[pattern][0]
        hint = PATTERN_RULES[pattern][1]
    if max_length is not None:
        what += f"，最多 {max_length} 字"
        hint += "前后的空格不计入字数。"
    PATTERN_RULES.setdefault(written, (what, hint))
    constraints = StringConstraints(
        strip_whitespace=True, min_length=1, max_length=max_length, pattern=pattern
    )
    return constraints, _TrimmedSchema(written)


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_DATE_AND_TIME = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d{2}.*", re.ASCII)
"""ASCII digits only, as in the schemas: full-width ２０２２ is not read as a year."""
VALID_DATE_PATTERN = (
    rf"^[{WHITESPACE}]*(?!0000)(?:[0-9]{{4}}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"
    rf"[{WHITESPACE}]*$"
)
"""Real calendar days written as 2022-07-20, for editors' schemas (leap years included, no
year 0000); spaces around them are ignored, as ``kb check`` ignores them."""


def _read_date(value: Any) -> Any:
    """A date as editors write it, 2022-07-20; numbers and impossible days are refused."""
    if isinstance(value, datetime.datetime):
        raise PydanticCustomError("date_with_time", "date with time", {})
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        value = value.strip(_STRIPPED)
        if _DATE_AND_TIME.fullmatch(value):
            raise PydanticCustomError("date_with_time", "date with time", {})
        written = _DATE.fullmatch(value)
        if written:
            year, month, day = (int(part) for part in written.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise PydanticCustomError(
                    "impossible_date", "impossible date", {"year": year, "month": month, "day": day}
                ) from None
    raise PydanticCustomError("not_a_date", "not a date", {})


Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, max_length=60),
    NOT_RESERVED,
]
"""Not stripped: an id in quotes with spaces around it is refused (see :data:`NOT_PADDED`);
the pattern refuses spaces, and ``kb check`` says that they are what is wrong."""
Title = Annotated[str, *_trimmed(max_length=60, pattern=TITLE_PATTERN), VISIBLE]
Line = Annotated[str, *_trimmed(max_length=200, pattern=ONE_LINE_PATTERN), VISIBLE]
Summary = Annotated[str, *_trimmed(max_length=SUMMARY_MAX, pattern=ONE_LINE_PATTERN), VISIBLE]
Text = Annotated[str, *_trimmed(), VISIBLE]
TaxonRef = Annotated[str, StringConstraints(min_length=1), VISIBLE, NOT_PADDED]
"""A theme or organization type, by id; which ids exist is the taxonomy's to say."""


@dataclass(frozen=True)
class Refers:
    """Field metadata: the value is the id of something declared elsewhere, which
    ``kb check`` looks up across files and the editors' form offers to pick by name."""

    to: str
    """``org_types`` or ``themes`` (of the taxonomy), or ``entries``."""
    kinds: tuple[str, ...] = ()
    """For ``entries``: the kinds of entry it may name; any kind when empty."""


OrgTypeRef = Annotated[TaxonRef, Refers("org_types")]
ThemeRef = Annotated[TaxonRef, Refers("themes")]
EntryRef = Annotated[Slug, Refers("entries")]
CitedRef = Annotated[Slug, Refers("entries", kinds=("case", "material"))]
"""A practice's example: a case or a material, never another practice."""


def _read_whole_number(value: Any) -> Any:
    """``3.0`` is 3: JSON Schema (and so the editors' schemas) cannot tell the two apart."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Order = Annotated[int, Strict(), BeforeValidator(_read_whole_number)]
"""A whole number, not text: ``"3"`` and ``yes`` are refused, ``3.0`` is read as 3."""
Date = Annotated[
    datetime.date,
    BeforeValidator(_read_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": VALID_DATE_PATTERN}),
]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
    )


class Taxon(_Model):
    """One theme or organization type."""

    id: Slug
    """编号：小写英文单词加连字符，用于网址和条目引用，定下后请勿改动。"""
    name: Title
    """名称：页面上显示的中文名称。"""
    description: Text
    """说明：一两句话说明这一类包含什么。"""
    order: Order
    """顺序：列表中的先后位置，数字小的在前。"""


class Taxonomy(_Model):
    """The two taxonomies that group every entry."""

    themes: list[Taxon] = Field(min_length=1)
    """主题：读者按什么问题查找，例如学习理念、激励与考核。"""
    org_types: list[Taxon] = Field(min_length=1)
    """组织类型：与全国基层党建案例征集的分类一致，例如农村、机关、国有企业。"""


class Source(_Model):
    """A source document an entry is based on, cited on its page as title, author, publisher, date."""

    document: Line
    """来源文件：原始资料的文件名，供编辑核对原文；页面上不显示。"""
    title: Line
    """来源标题：原始资料自己的标题，页面上以书名号引用。"""
    author: Line | None = None
    """作者：署名的个人或单位，原文没有署名时省略。"""
    publisher: Line | None = None
    """发布者：刊载或发布原始资料的单位、报刊或网站，例如“人人文库网（用户上传）”；不知道时省略。"""
    published: Date | None = None
    """发布日期：原始资料的发布日期，写成 2022-07-20 的形式；不知道时省略。"""
    note: Line | None = None
    """说明：读者需要知道的补充，例如日期是网页标注的更新日期、名称是推断的，可省略。"""


class Step(_Model):
    """A titled paragraph: one thing that was done, or one step of a practice."""

    title: Title
    """小标题：一句话概括这一步。"""
    text: Text
    """内容：具体说明，可分多段，段与段之间空一行。"""


class Figure(_Model):
    """One figure from the source, kept exactly."""

    label: Line
    """指标：数字说明的是什么。"""
    value: Line
    """数值：与原始资料完全一致的数字和单位。"""


class Results(_Model):
    """成效与反响."""

    summary: Text
    """成效概述：取得了哪些成效、得到什么反响。"""
    figures: list[Figure] = Field(default_factory=list)
    """数据：原始资料中的各项数字，逐条列出。"""


class Section(_Model):
    """A titled part of a study material."""

    title: Title
    """小标题：这一部分讲什么。"""
    text: Text
    """内容：正文，可分多段，段与段之间空一行。"""
    points: list[Text] = Field(default_factory=list)
    """要点：可选的分条要点。"""


class _Entry(_Model):
    id: Slug
    """编号：小写英文单词加连字符，与文件名一致，用于网址，定下后请勿改动。"""
    title: Title
    """标题：条目的中文标题，不超过 60 字，不含尖括号。"""
    summary: Summary
    """摘要：一句话概括，不超过 80 字，显示在列表和搜索结果中。"""
    org_type: OrgTypeRef
    """组织类型：taxonomy.yml 中 org_types 的一个编号。"""
    themes: list[ThemeRef] = Field(
        min_length=1, max_length=5, json_schema_extra={"uniqueItems": True}
    )
    """主题：taxonomy.yml 中 themes 的编号，1 至 5 个，不要重复，最相关的放在最前。"""
    keywords: list[Line] = Field(default_factory=list)
    """关键词：读者可能搜索的专有名词，例如“中心组”“三会一课”，可省略。"""
    sources: list[Source] = Field(min_length=1)
    """来源：条目依据的原始资料，至少一项。"""
    distinct_from: list[EntryRef] = Field(default_factory=list)
    """并非重复：与本条目内容相近、但经核实确是不同条目的编号；写上后不再提示“高度相似”，可省略。"""


class CaseStudy(_Entry):
    """典型案例: one organization's practice, in the parts national case calls ask for."""

    kind: Literal["case"]
    """类型：固定为 case（典型案例）。"""
    unit: Line
    """单位：案例所属组织的简短名称，以原始资料为准，显示在列表中；推断的依据写在 unit_note 里。"""
    unit_note: Line | None = None
    """单位说明：名称不全、靠推断得出等需要读者留意的情况，只在条目页的单位下方显示，可省略。"""
    region: Line
    """地区：所在省市县；原始资料未写明时写“原文未写明”。"""
    period: Line
    """时间：做法开展的时间段；原始资料未写明时如实说明。"""
    background: Text
    """背景与起因：为什么这样做，面临什么问题。"""
    actions: list[Step] = Field(min_length=1)
    """做法与经过：分条写出具体做法。"""
    results: Results
    """成效与反响：取得的成效和数据。"""
    lessons: list[Text] = Field(min_length=1)
    """经验启示：可供其他组织借鉴的体会，分条写。"""


class BestPractice(_Entry):
    """经验做法: a reusable practice distilled from one or more entries."""

    kind: Literal["practice"]
    """类型：固定为 practice（经验做法）。"""
    steps: list[Step] = Field(min_length=1)
    """步骤：分条写出如何开展。"""
    fits: Text
    """适用场景：适合哪些组织、什么情况。"""
    cases: list[CitedRef] = Field(min_length=1)
    """实例：体现这一做法的典型案例或学习资料的编号，至少一个。"""
    cautions: list[Text] = Field(default_factory=list)
    """注意事项：容易出现的偏差，可省略。"""


class StudyMaterial(_Entry):
    """学习资料: guidance and theory."""

    kind: Literal["material"]
    """类型：固定为 material（学习资料）。"""
    sections: list[Section] = Field(min_length=1)
    """正文：分部分写，每部分有小标题。"""
    key_points: list[Text] = Field(min_length=1)
    """要点：读者应当记住的几条，分条写。"""


class PackItem(_Model):
    """One entry of a study pack."""

    entry: EntryRef
    """条目：典型案例、经验做法或学习资料的编号。"""
    note: Line | None = None
    """选编理由：为什么选这一篇、读的时候注意什么，显示在专题页的条目下方，可省略。"""


class Question(_Model):
    """自测题: one question of a study pack's self-test, answered from one of its entries.
    What makes a question sound beyond these types (its answer among its options, its
    basis in its entry's text) is checked in :mod:`generator.quiz`."""

    question: Line
    """题目：一句话问清楚。"""
    type: Literal["single", "multiple", "judge"]
    """题型：single（单选题）、multiple（多选题）或 judge（判断题）。"""
    options: list[Line] = Field(default_factory=list, max_length=6)
    """选项：单选题、多选题的选项，依次对应 A、B、C……，最多 6 个；判断题不写。"""
    answer: Line
    """答案：单选题写一个字母，如 B；多选题写全部正确选项的字母，如 ACD；判断题写“对”或“错”。"""
    explanation: Text
    """解析：为什么是这个答案，用自己的话说明。"""
    entry: Slug
    """出处：答案所在条目的编号，须是本专题选编的条目。"""
    basis: Line
    """原文依据：从出处条目中原样复制的一段文字，检查时核对条目中确有这段文字，页面据此链接到它所在的部分。"""


class StudyPack(_Model):
    """学习专题: entries chosen and ordered for one study session, with questions to discuss."""

    id: Slug
    """编号：小写英文单词加连字符，与文件名一致，用于网址，定下后请勿改动。"""
    kind: Literal["pack"]
    """类型：固定为 pack（学习专题）。"""
    title: Title
    """标题：专题的中文标题，不超过 60 字，不含尖括号。"""
    summary: Summary
    """摘要：一句话说明这个专题学什么，不超过 80 字，显示在专题列表中。"""
    occasion: Line | None = None
    """适用场合：例如学习会、主题党日、中心组学习，可省略。"""
    length: Line | None = None
    """建议时长：例如“约 90 分钟”或“两次学习会”，可省略。"""
    introduction: Text
    """导语：这个专题为什么学、怎样用，可分多段，段与段之间空一行。"""
    entries: list[PackItem] = Field(min_length=1)
    """选编条目：按学习顺序排列，至少一个。"""
    questions: list[Text] = Field(min_length=1)
    """讨论题：供学习会讨论的问题，分条写，至少一个。"""
    self_test: list[Question] = Field(default_factory=list)
    """自测题：读完本专题后自我检测的题目（单选、多选、判断），每题写明答案、解析和出处，可省略。"""


Entry = CaseStudy | BestPractice | StudyMaterial

ENTRY_MODELS: dict[str, type[CaseStudy] | type[BestPractice] | type[StudyMaterial]] = {
    "case": CaseStudy,
    "practice": BestPractice,
    "material": StudyMaterial,
}
KIND_LABELS = {"case": "典型案例", "practice": "经验做法", "material": "学习资料"}
KIND_FOLDERS = {"case": "cases", "practice": "practices", "material": "materials"}
PACK_KIND = "pack"
PACK_LABEL = "学习专题"
PACK_FOLDER = "packs"
CONTENT_MODELS: dict[str, type[CaseStudy | BestPractice | StudyMaterial | StudyPack]] = {
    **ENTRY_MODELS,
    PACK_KIND: StudyPack,
}
"""Every kind of content file: the three kinds of entry, and study packs, which list entries."""
CONTENT_LABELS = {**KIND_LABELS, PACK_KIND: PACK_LABEL}
CONTENT_FOLDERS = {**KIND_FOLDERS, PACK_KIND: PACK_FOLDER}


def field_label(model: type[BaseModel], name: str) -> str:
    """Chinese label of a field: the part of its docstring before the full-width colon."""
    info = model.model_fields.get(name)
    description = (info.description if info else None) or ""
    return description.split("：", 1)[0] if "：" in description else name


@dataclass(frozen=True)
class FieldSpec:
    """What editors need to know about one field, derived from the declaration above."""

    name: str
    label: str
    """Chinese label, the docstring up to its full-width colon."""
    help: str
    """The rest of the docstring: what belongs in the field."""
    required: bool
    shape: str
    """``line``, ``text``, ``date``, ``int``, ``const``, ``model``, or ``list`` of one of these."""
    item_shape: str = ""
    """For lists: the shape of each item."""
    model: type[BaseModel] | None = None
    """For ``model`` fields and lists of models: the nested model."""
    refers: Refers | None = None
    """For ids of things declared elsewhere (and lists of them): what they name."""


def field_specs(model: type[BaseModel]) -> list[FieldSpec]:
    """The fields of ``model`` in declaration order, with ``id`` and ``kind`` first."""
    names = list(model.model_fields)
    ordered = [n for n in ("id", "kind") if n in names] + [
        n for n in names if n not in {"id", "kind"}
    ]
    specs = []
    for name in ordered:
        info = model.model_fields[name]
        description = info.description or ""
        label, _, help_text = description.partition("：")
        shape, item_shape, nested = _shape(info.annotation, info.metadata)
        refers = _refers(info.annotation, info.metadata)
        specs.append(
            FieldSpec(name, label, help_text, info.is_required(), shape, item_shape, nested, refers)
        )
    return specs


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``annotation`` (directly, in a list, or optional), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = nested_model(arg)
        if found is not None:
            return found
    return None


def _refers(annotation: Any, metadata: list[Any]) -> Refers | None:
    """The :class:`Refers` of a field or of its list's items, if any."""
    found = next((m for m in metadata if isinstance(m, Refers)), None)
    if found is not None:
        return found
    for arg in typing.get_args(annotation):
        found = _refers(arg, [])
        if found is not None:
            return found
    return None


def _shape(annotation: Any, metadata: list[Any]) -> tuple[str, str, type[BaseModel] | None]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _shape(inner[0], metadata)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _shape(base, [*metadata, *extra])
    if origin is list:
        item_shape, _, nested = _shape(typing.get_args(annotation)[0], [])
        return "list", item_shape, nested
    if origin is Literal:
        return "const", "", None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", "", annotation
    if annotation is datetime.date:
        return "date", "", None
    if annotation is int:
        return "int", "", None
    patterns = {getattr(m, "pattern", None) for m in metadata}
    one_line = patterns & {SLUG_PATTERN, TITLE_PATTERN, ONE_LINE_PATTERN}
    is_id = any(isinstance(m, Refers) for m in metadata)
    return ("line" if one_line or is_id else "text"), "", None
