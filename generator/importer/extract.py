"""Import stage 4: facts an entry needs, found in the cleaned text, each with its evidence.

The title, a byline, the publication date, figures (numbers with their units, kept
exactly as written, and what they count), the region and period, and suggested
organization type and themes with the words that matched. Suggestions are only
suggestions: the draft marks each of them for the editor to confirm.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from generator.importer.findings import Place
from generator.importer.paragraphs import HEADING_START, SENTENCE_END, Paragraph
from generator.model import Taxon, Taxonomy
from generator.rules import CHINESE_CHARACTERS
from generator.segment import Segmenter

TITLE_MAX = 55
"""Longest title the draft takes over: the model allows 60, the placeholder takes five."""


@dataclass(frozen=True)
class Figure:
    """A number with its unit as written, and the words around it saying what it counts."""

    label: str
    value: str
    place: Place


@dataclass(frozen=True)
class Suggestion:
    """A taxonomy id the text points to, and which words pointed there, how often."""

    taxon: Taxon
    evidence: tuple[tuple[str, int], ...]

    @property
    def score(self) -> int:
        return sum(count for _, count in self.evidence)

    def describe(self) -> str:
        words = "、".join(f"“{word}”{count} 次" for word, count in self.evidence[:5])
        return f"{self.taxon.name}（{self.taxon.id}），依据：{words}"


@dataclass
class Facts:
    """What extraction found in one document."""

    title: str = ""
    byline: str = ""
    published: str = ""
    """2022-07-20, or empty."""
    published_evidence: str = ""
    figures: list[Figure] = field(default_factory=list)
    region: tuple[str, int] | None = None
    """A province named in the text, and how often."""
    years: list[str] = field(default_factory=list)
    org_types: list[Suggestion] = field(default_factory=list)
    themes: list[Suggestion] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    """The project's search terms the text holds as words, the most frequent first."""


# --- title, byline, date ----------------------------------------------------------------------


def find_title(paragraphs: list[Paragraph], metadata_title: str) -> str:
    """The document's own title: its metadata title when the text shows it, a heading-styled
    first paragraph, or a short first line that does not end a sentence."""
    first = paragraphs[:10]
    compact = {re.sub(r"\s+", "", p.text): p.text for p in first}
    if metadata_title and re.sub(r"\s+", "", metadata_title) in compact:
        return _short_title(metadata_title)
    for paragraph in first[:5]:
        if paragraph.heading == 1:
            return _short_title(paragraph.text)
    if paragraphs:
        text = paragraphs[0].text
        if len(text) <= 60 and text[-1:] not in "。！？；" and not HEADING_START.match(text):
            return _short_title(text)
    return _short_title(metadata_title)


def _short_title(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip().rstrip("。")
    text = text.replace("<", "《").replace(">", "》")
    return text[:TITLE_MAX]


def find_byline(paragraphs: list[Paragraph]) -> Paragraph | None:
    """A short unpunctuated line right under the title, before the first long paragraph:
    the author or the unit (``某某社区张三``)."""
    if len(paragraphs) < 2:
        return None
    first, following = paragraphs[0], paragraphs[1]
    if (
        len(first.text) <= 40
        and not re.search(r"[，。；：！？,.;:!?、|｜/]", first.text)
        and re.search(f"[{CHINESE_CHARACTERS}]", first.text)
        and not HEADING_START.match(first.text)
        and len(following.text) >= 60
    ):
        return first
    return None


_DATE = re.compile(
    r"(?:时间|日期|更新|发布|发表|来源)[^\d\n]{0,6}(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)


def find_published(paragraphs: list[Paragraph], metadata_date: str) -> tuple[str, str]:
    """The publication date the page shows (a date bar such as ``时间：2022-07-20``), as
    2022-07-20, with the words it was read from; the file's own metadata comes first."""
    if metadata_date:
        return metadata_date, "网页元数据"
    for paragraph in paragraphs:
        match = _DATE.search(paragraph.text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day).isoformat(), (
                    f"{paragraph.place.describe()}“{match.group()}”"
                )
            except ValueError:
                continue
    return "", ""


# --- figures ----------------------------------------------------------------------------------

_UNITS = (
    "人次|个次|万人|万元|亿元|多名|名|人|个|项|期|次|篇|场|本|元|%|％|家|所|户|条|讲|门|届|天"
    "|小时|课时|学时|册|套|部|批|处|支|座|份|张|节|堂|班"
)
_NUMBER_FIGURE = re.compile(rf"(?<![\d.\-第])(\d+(?:\.\d+)?)\s*(?:多|余)?\s*(?:{_UNITS})")
_WORDED_FIGURE = re.compile(
    r"每[年月周天日季][^，。；、]{0,4}?[一二两三四五六七八九十\d]+次|连续\s*[一二两三四五六七八九十\d]+\s*[年届次]"
)
_CLAUSE_BREAK = re.compile(r"[，。；：！？、（）,;:!?]")
_MAX_FIGURES = 40


def find_figures(paragraphs: list[Paragraph]) -> list[Figure]:
    """Numbers with units, exactly as written, with the clause around each as its label."""
    figures: list[Figure] = []
    seen: set[tuple[str, str]] = set()
    for paragraph in paragraphs:
        text = paragraph.text
        if HEADING_START.match(text) and len(text) < 40:
            continue
        matches = sorted(
            [*_NUMBER_FIGURE.finditer(text), *_WORDED_FIGURE.finditer(text)],
            key=lambda m: m.start(),
        )
        for match in matches:
            value = match.group().strip()
            if re.fullmatch(r"\d+、?", value):
                continue
            label = _label(text, match.start(), match.end())
            if not label or (label, value) in seen:
                continue
            seen.add((label, value))
            figures.append(Figure(label, value, paragraph.place_at(match.start())))
            if len(figures) >= _MAX_FIGURES:
                return figures
    return figures


def _label(text: str, start: int, end: int) -> str:
    """The clause holding a figure, with the figure left out: what the number counts."""
    breaks_before = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)]
    clause_start = breaks_before[-1] if breaks_before else 0
    after = _CLAUSE_BREAK.search(text, end)
    clause_end = after.start() if after else len(text)
    before_text = text[clause_start:start].strip()
    after_text = text[end:clause_end].strip()
    if len(before_text) > 24:
        before_text = "…" + before_text[-24:]
    if len(after_text) > 24:
        after_text = after_text[:24] + "…"
    if before_text and after_text:
        return f"{before_text}……{after_text}"
    return before_text or after_text


# --- region, period ---------------------------------------------------------------------------

_PROVINCES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
]
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def find_region(paragraphs: list[Paragraph]) -> tuple[str, int] | None:
    """The province named most often, if any."""
    text = "\n".join(p.text for p in paragraphs)
    counts = Counter({name: text.count(name) for name in _PROVINCES})
    name, count = counts.most_common(1)[0]
    return (name, count) if count else None


def find_years(paragraphs: list[Paragraph]) -> list[str]:
    years = sorted({m.group(1) for p in paragraphs for m in _YEAR.finditer(p.text)})
    return years


# --- organization type and themes ---------------------------------------------------------------

ORG_TYPE_CUES: dict[str, tuple[str, ...]] = {
    "rural": ("农村", "村党支部", "村党组织", "乡镇", "村民", "农民", "村两委", "驻村"),
    "urban-community": ("社区", "街道", "居民", "矿区", "小区", "网格"),
    "government-agency": ("机关", "公务员", "机关党委", "机关党组织", "政府部门", "机关作风"),
    "state-owned-enterprise": ("国有企业", "国企", "集团公司", "公司", "车间", "班组", "生产经营"),
    "public-institution": (
        "事业单位",
        "广播电视",
        "广电",
        "发射台",
        "台站",
        "医院",
        "卫生院",
        "图书馆",
    ),
    "school": ("学校", "中学", "小学", "高校", "大学", "教职工", "教师", "学生", "校园"),
    "research-institute": ("科研院所", "研究所", "研究院", "科研人员", "课题组"),
    "new-organizations": ("非公", "两新", "社会组织", "民营企业", "私营", "商会", "协会"),
    "cadre-team": ("干部队伍", "学习型干部", "干部教育培训", "县级干部", "副乡", "干部任用"),
}
"""Words that point to each organization type of the bundled taxonomy; a type an editor
adds to taxonomy.yml is pointed to by its own name."""
THEME_CUES: dict[str, tuple[str, ...]] = {
    "learning-philosophy": (
        "终身学习",
        "终生学习",
        "全员学习",
        "全过程学习",
        "团队学习",
        "团体学习",
        "学习理念",
        "要我学",
        "我要学",
    ),
    "learning-content": (
        "学习内容",
        "理论学习",
        "政策法规",
        "业务知识",
        "科学文化",
        "专业知识",
        "党章",
        "科学发展观",
    ),
    "learning-forms": (
        "中心组",
        "讲座",
        "读书",
        "研讨",
        "远程教育",
        "载体",
        "论坛",
        "大讲堂",
        "培训班",
        "辅导报告",
        "学习形式",
    ),
    "leadership-example": ("带头", "表率", "示范", "领导班子", "一把手", "以身作则"),
    "institutions": ("制度", "机制", "保障", "组织领导", "经费", "师资", "学习日"),
    "incentives-assessment": (
        "考核",
        "考学",
        "评学",
        "激励",
        "表彰",
        "奖励",
        "约束",
        "评比",
        "考试",
    ),
    "problems-countermeasures": ("存在的问题", "对策", "不足", "差距", "误区", "偏差", "不适应"),
    "learning-culture": ("学习氛围", "共同愿景", "学习型文化", "文化建设", "氛围"),
    "results": ("成效", "荣誉", "荣获", "授予", "先进单位", "获奖", "称号"),
}
"""Words that point to each theme of the bundled taxonomy; as above for added themes."""
_TITLE_WEIGHT = 3
_THEME_MIN = 3
_THEMES_MAX = 4


def suggest(
    taxa: list[Taxon], cues: dict[str, tuple[str, ...]], text: Words, title: Words
) -> list[Suggestion]:
    """Taxa ordered by how often their cue words occur as words (in the title they count more)."""
    found = []
    for taxon in taxa:
        words = cues.get(taxon.id) or tuple(
            w for w in re.split(r"[（）“”()、与和及\s]+", taxon.name) if len(w) >= 2
        )
        evidence = []
        for word in words:
            count = text.count(word) + _TITLE_WEIGHT * title.count(word)
            if count:
                evidence.append((word, count))
        if evidence:
            evidence.sort(key=lambda item: -item[1])
            found.append(Suggestion(taxon, tuple(evidence)))
    found.sort(key=lambda s: (-s.score, s.taxon.order))
    return found


class Words:
    """A text cut into words by the project's segmenter, to count a cue only where it is a
    word or a whole part of one: 中学 in 第二中学 and 中心组 in 中心组学习 count, 中学 in
    集中学习 and 送学 in 推送学习 do not."""

    def __init__(self, text: str, segmenter: Segmenter) -> None:
        self.text = text
        self.bounds = [0]
        for word in segmenter.cut(text):
            self.bounds.append(self.bounds[-1] + len(word))
        self._bounds = set(self.bounds)

    def count(self, cue: str) -> int:
        total = 0
        start = self.text.find(cue)
        while start >= 0:
            total += self._is_word(start, start + len(cue))
            start = self.text.find(cue, start + 1)
        return total

    def _is_word(self, start: int, end: int) -> bool:
        """Whether the segmenter's words start and end with the cue, or it begins or ends
        the one word it lies in."""
        if start in self._bounds and end in self._bounds:
            return True
        index = bisect.bisect_right(self.bounds, start) - 1
        word_start, word_end = self.bounds[index], self.bounds[index + 1]
        return end <= word_end and (start == word_start or end == word_end)


def find_facts(
    paragraphs: list[Paragraph], *, title: str, taxonomy: Taxonomy, segmenter: Segmenter
) -> Facts:
    """Everything above, for one cleaned document."""
    text = Words("\n".join(p.text for p in paragraphs), segmenter)
    title_words = Words(title, segmenter)
    themes = [
        s for s in suggest(taxonomy.themes, THEME_CUES, text, title_words) if s.score >= _THEME_MIN
    ]
    counts = {term: text.count(term) for term in segmenter.terms}
    return Facts(
        title=title,
        figures=find_figures(paragraphs),
        region=find_region(paragraphs),
        years=find_years(paragraphs),
        org_types=suggest(taxonomy.org_types, ORG_TYPE_CUES, text, title_words),
        themes=themes[:_THEMES_MAX],
        keywords=sorted((t for t, n in counts.items() if n), key=lambda t: (-counts[t], t)),
    )


def first_sentence(text: str, *, limit: int = 30) -> str:
    """The opening sentence of a paragraph, to stand as a provisional heading."""
    match = re.search(f"[{re.escape(SENTENCE_END)}，,]", text)
    sentence = text[: match.start()] if match else text
    return sentence[:limit].strip() or text[:limit]
