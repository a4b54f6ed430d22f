"""The content model, declared once: every kind of content file, its fields, and what the
rest of the pipeline does with each field.

Every field's docstring is the editor-facing description: it feeds the JSON Schema, the
scaffolds, the editors' form and the wording of validation errors. A docstring starts
with the field's Chinese label, then a full-width colon and the explanation.

What a field means beyond its type is said beside it, as metadata in its annotation:
:class:`Refers` (an id of something declared elsewhere), :class:`Search` (readers find an
entry by its text), :class:`Shown` (a part of the entry's page, under its own heading),
:class:`Facet` (a search filter is worked out from it), :class:`Imported` (which sections
of an imported document it takes) and :data:`NOT_COMPARED` (the near-duplicate check
skips it). Each kind of file is declared once in :data:`KINDS`; everything that lists
kinds (folders, pages, search, the command line, the schemas) reads that declaration.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from generator.errors import ContentError
from generator.rules import Date, Line, Order, Slug, Summary, TaxonRef, Text, Title


@dataclass(frozen=True)
class Refers:
    """Field metadata: the value is the id of something declared elsewhere, which
    ``kb check`` looks up across files and the editors' form offers to pick by name."""

    to: str
    """``org_types`` or ``themes`` (of the taxonomy), or ``entries``."""
    kinds: tuple[str, ...] = ()
    """For ``entries``: the kinds of entry it may name; any kind when empty."""


class Search(enum.Enum):
    """Field metadata: readers find an entry by the field's text; where the text stands
    weighs a match (a word of the title counts more than a word of the body)."""

    TITLE = "title"
    SUMMARY = "summary"
    HEADING = "heading"
    BODY = "body"


@dataclass(frozen=True)
class Shown:
    """Field metadata: the field is a part of its entry's page, under a heading of its own
    (and, for a list, a heading for each item); the part's place on the page is its kind's
    :attr:`Kind.page`."""

    heading: str | None
    """The level-2 heading; ``None`` when each item is a level-2 heading of its own."""
    anchor: str = ""
    """The heading's id in the page address (``#background``)."""
    item: str | None = None
    """Each item's heading: a format of ``n`` (its place, from 1) and the item's fields."""
    item_anchor: str = ""
    """Each item's id, followed by its place: ``action`` gives ``#action-1``."""
    only_when_filled: bool = False
    """The heading is left out when the field is empty (an optional list)."""
    numbered: bool = False
    """A list of texts is numbered (points to remember in order), not bulleted."""


class Facet(enum.Enum):
    """Field metadata: a search filter is worked out from the field."""

    REGION = "region"
    """The province-level region the field's text starts with."""


@dataclass(frozen=True)
class Imported:
    """Field metadata: the sections of an imported document whose heading says one of
    ``roles`` go to this field (``kb import``)."""

    roles: tuple[str, ...]


class _NotCompared:
    """Field metadata: the near-duplicate check skips the field (its text is not what makes
    two entries the same)."""


NOT_COMPARED = _NotCompared()

OrgTypeRef = Annotated[TaxonRef, Refers("org_types")]
ThemeRef = Annotated[TaxonRef, Refers("themes")]
EntryRef = Annotated[Slug, Refers("entries")]
CitedRef = Annotated[Slug, Refers("entries", kinds=("case", "material"))]
"""A practice's example: a case or a material, never another practice."""
BodyText = Annotated[Text, Search.BODY]
BodyLine = Annotated[Line, Search.BODY]


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
    title: BodyLine
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

    title: Annotated[Title, Search.HEADING]
    """小标题：一句话概括这一步。"""
    text: BodyText
    """内容：具体说明，可分多段，段与段之间空一行。"""


class Figure(_Model):
    """One figure from the source, kept exactly."""

    label: BodyLine
    """指标：数字说明的是什么。"""
    value: BodyLine
    """数值：与原始资料完全一致的数字和单位。"""


class Results(_Model):
    """成效与反响."""

    summary: BodyText
    """成效概述：取得了哪些成效、得到什么反响。"""
    figures: list[Figure] = Field(default_factory=list)
    """数据：原始资料中的各项数字，逐条列出。"""


class Section(_Model):
    """A titled part of a study material."""

    title: Annotated[Title, Search.HEADING]
    """小标题：这一部分讲什么。"""
    text: BodyText
    """内容：正文，可分多段，段与段之间空一行。"""
    points: list[BodyText] = Field(default_factory=list)
    """要点：可选的分条要点。"""


class EntryBase(_Model):
    """What every kind of entry has: the fields each of them lists, groups and cites by."""

    id: Annotated[Slug, NOT_COMPARED]
    """编号：小写英文单词加连字符，与文件名一致，用于网址，定下后请勿改动。"""
    title: Annotated[Title, Search.TITLE]
    """标题：条目的中文标题，不超过 60 字，不含尖括号。"""
    summary: Annotated[Summary, Search.SUMMARY]
    """摘要：一句话概括，不超过 80 字，显示在列表和搜索结果中。"""
    org_type: OrgTypeRef
    """组织类型：taxonomy.yml 中 org_types 的一个编号。"""
    themes: list[ThemeRef] = Field(
        min_length=1, max_length=5, json_schema_extra={"uniqueItems": True}
    )
    """主题：taxonomy.yml 中 themes 的编号，1 至 5 个，不要重复，最相关的放在最前。"""
    keywords: list[Annotated[Line, Search.HEADING]] = Field(default_factory=list)
    """关键词：读者可能搜索的专有名词，例如“中心组”“三会一课”，可省略。"""
    sources: Annotated[list[Source], NOT_COMPARED] = Field(min_length=1)
    """来源：条目依据的原始资料，至少一项。"""
    distinct_from: list[EntryRef] = Field(default_factory=list)
    """并非重复：与本条目内容相近、但经核实确是不同条目的编号；写上后不再提示“高度相似”，可省略。"""


class CaseStudy(EntryBase):
    """典型案例: one organization's practice, in the parts national case calls ask for."""

    kind: Literal["case"]
    """类型：固定为 case（典型案例）。"""
    unit: BodyLine
    """单位：案例所属组织的简短名称，以原始资料为准，显示在列表中；推断的依据写在 unit_note 里。"""
    unit_note: Line | None = None
    """单位说明：名称不全、靠推断得出等需要读者留意的情况，只在条目页的单位下方显示，可省略。"""
    region: Annotated[Line, Search.BODY, Facet.REGION]
    """地区：所在省市县；原始资料未写明时写“原文未写明”。"""
    period: Annotated[Line, Search.BODY]
    """时间：做法开展的时间段；原始资料未写明时如实说明。"""
    background: Annotated[
        BodyText, Shown("背景与起因", "background"), Imported(("background", "problems"))
    ]
    """背景与起因：为什么这样做，面临什么问题。"""
    actions: Annotated[
        list[Step], Shown("做法与经过", "actions", item="{n}. {title}", item_anchor="action")
    ] = Field(min_length=1)
    """做法与经过：分条写出具体做法。"""
    results: Annotated[Results, Shown("成效与反响", "results"), Imported(("results",))]
    """成效与反响：取得的成效和数据。"""
    lessons: Annotated[
        list[BodyText], Shown("经验启示", "lessons", numbered=True), Imported(("lessons",))
    ] = Field(min_length=1)
    """经验启示：可供其他组织借鉴的体会，分条写。"""


class BestPractice(EntryBase):
    """经验做法: a reusable practice distilled from one or more entries."""

    kind: Literal["practice"]
    """类型：固定为 practice（经验做法）。"""
    steps: Annotated[
        list[Step], Shown("做法步骤", "steps", item="第 {n} 步：{title}", item_anchor="step")
    ] = Field(min_length=1)
    """步骤：分条写出如何开展。"""
    fits: Annotated[BodyText, Shown("适用场景", "fits")]
    """适用场景：适合哪些组织、什么情况。"""
    cases: Annotated[list[CitedRef], Shown("实例", "examples")] = Field(min_length=1)
    """实例：体现这一做法的典型案例或学习资料的编号，至少一个。"""
    cautions: Annotated[
        list[BodyText],
        Shown("注意事项", "cautions", only_when_filled=True),
        Imported(("problems",)),
    ] = Field(default_factory=list)
    """注意事项：容易出现的偏差，可省略。"""


class StudyMaterial(EntryBase):
    """学习资料: guidance and theory."""

    kind: Literal["material"]
    """类型：固定为 material（学习资料）。"""
    sections: Annotated[list[Section], Shown(None, item="{title}", item_anchor="section")] = Field(
        min_length=1
    )
    """正文：分部分写，每部分有小标题。"""
    key_points: Annotated[list[BodyText], Shown("要点", "key-points", numbered=True)] = Field(
        min_length=1
    )
    """要点：读者应当记住的几条，分条写。"""


class PackItem(_Model):
    """One entry of a study pack."""

    entry: EntryRef
    """条目：典型案例、经验做法或学习资料的编号。"""
    note: BodyLine | None = None
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
    title: Annotated[Title, Search.TITLE]
    """标题：专题的中文标题，不超过 60 字，不含尖括号。"""
    summary: Annotated[Summary, Search.SUMMARY]
    """摘要：一句话说明这个专题学什么，不超过 80 字，显示在专题列表中。"""
    occasion: BodyLine | None = None
    """适用场合：例如学习会、主题党日、中心组学习，可省略。"""
    length: BodyLine | None = None
    """建议时长：例如“约 90 分钟”或“两次学习会”，可省略。"""
    introduction: BodyText
    """导语：这个专题为什么学、怎样用，可分多段，段与段之间空一行。"""
    entries: list[PackItem] = Field(min_length=1)
    """选编条目：按学习顺序排列，至少一个。"""
    questions: list[BodyText] = Field(min_length=1)
    """讨论题：供学习会讨论的问题，分条写，至少一个。"""
    self_test: list[Question] = Field(default_factory=list)
    """自测题：读完本专题后自我检测的题目（单选、多选、判断），每题写明答案、解析和出处，可省略。"""


Entry = CaseStudy | BestPractice | StudyMaterial
Content = CaseStudy | BestPractice | StudyMaterial | StudyPack


@dataclass(frozen=True)
class Kind:
    """One kind of content file, declared once."""

    name: str
    """The value of ``kind`` in its files, and its name on the command line."""
    label: str
    """What readers and editors call it."""
    folder: str
    """Its folder under ``content/``, and its pages' folder in the site."""
    model: type[BaseModel]
    page: tuple[str, ...] = ()
    """The fields shown as parts of an entry's page (each with :class:`Shown`), in order."""
    template: str = "entry.html"
    """The page template under ``theme/kb/``."""
    import_main: str = ""
    """The field that takes an imported document's sections whose heading says nothing
    more specific (see :class:`Imported`); ``kb import`` offers the kinds that have one."""
    is_entry: bool = True
    """An entry (listed by theme and organization type); otherwise a study pack, which
    lists entries."""


KINDS: dict[str, Kind] = {}
"""Every kind of content file, in the order sites list them: the kinds of entry, then
study packs, which list entries."""
ENTRY_KINDS: dict[str, Kind] = {}
"""The kinds of entry, in the same order."""


def declare(kind: Kind) -> Kind:
    """Add ``kind`` to :data:`KINDS` (and :data:`ENTRY_KINDS`): the one step that makes a
    new kind of content known to checks, pages, search, the schemas, ``kb new``,
    ``kb import`` and the editors' form."""
    KINDS[kind.name] = kind
    if kind.is_entry:
        ENTRY_KINDS[kind.name] = kind
    return kind


declare(
    Kind(
        "case",
        "典型案例",
        "cases",
        CaseStudy,
        page=("background", "actions", "results", "lessons"),
        template="case.html",
        import_main="actions",
    )
)
declare(
    Kind(
        "practice",
        "经验做法",
        "practices",
        BestPractice,
        page=("steps", "fits", "cautions", "cases"),
        template="practice.html",
        import_main="steps",
    )
)
declare(
    Kind(
        "material",
        "学习资料",
        "materials",
        StudyMaterial,
        page=("sections", "key_points"),
        template="material.html",
        import_main="sections",
    )
)
PACK = declare(Kind("pack", "学习专题", "packs", StudyPack, template="pack.html", is_entry=False))


@dataclass(frozen=True)
class Project:
    """Checked content: the taxonomy and every entry and study pack, ready for indexing."""

    taxonomy: Taxonomy
    entries: dict[str, Entry]
    """Entries by id, in a stable order (by kind, then id)."""
    files: dict[str, str]
    """Repository-relative file of each entry id."""
    digests: dict[str, str]
    """Checksum of each entry's file: the same checksum means the same entry."""
    content_dir: Path
    """Where the content was read from."""
    warnings: list[ContentError]
    """Problems worth telling editors that do not stop the build."""
    packs: dict[str, StudyPack] = field(default_factory=dict)
    """Study packs by id, in id order; every entry they list exists."""


def kind_in_folder(folder: str) -> Kind | None:
    """The kind whose files live in ``folder`` of the content folder, if any."""
    return next((kind for kind in KINDS.values() if kind.folder == folder), None)
