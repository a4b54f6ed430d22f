"""Deterministic synthetic content for build and search benchmarks.

The real content folder holds a dozen entries; build and search behaviour only
shows its costs at hundreds or thousands. This module writes a content folder
of any size that passes validation like real content does: the same YAML
layout, the same taxonomy, about 3,000 characters of Chinese body text per
entry, metadata skewed the way real case collections are, and practices citing
real case and material ids.

The text is nonsense at the level of meaning but realistic at the level the
generator and the search index see: real words from jieba's dictionary drawn
with their corpus frequencies (so the vocabulary follows a Zipf-like
distribution and segmentation behaves as on real text), domain terms from
``content/search-terms.txt`` and the taxonomy mixed in, Chinese punctuation,
and paragraphs separated by blank lines.

:func:`write_markdown_corpus` writes the same entries as a plain MkDocs +
Material project, a reference for what building and searching the same text
costs without the knowledge-base plugin.

Usage::

    python -m bench.corpus --size 2000 --out /tmp/corpus --markdown

The same ``(size, seed)`` always gives byte-for-byte the same files.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import shutil
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jieba
import yaml

from generator.fields import field_label
from generator.model import ENTRY_KINDS, KINDS, BestPractice, CaseStudy, Figure, StudyMaterial

REPO_ROOT = Path(__file__).resolve().parent.parent
REPO_CONTENT = REPO_ROOT / "content"
COPIED_FILES = ("taxonomy.yml", "search-terms.txt")
"""Files taken over from the real content folder, so synthetic entries use the real taxonomy."""

BODY_TARGET = 3000
"""Mean characters of body text per entry (whitespace not counted), like a real case write-up."""
KIND_SHARES = {"case": 0.60, "practice": 0.25, "material": 0.15}

# --- vocabulary ----------------------------------------------------------------

_HAN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class _WordClass:
    """Which words of jieba's dictionary fill one kind of slot in a sentence template."""

    tags: tuple[str, ...]
    top: int
    """Only the most frequent words: the long tail is mostly names and rare characters."""
    min_len: int
    max_len: int
    exponent: float
    """Applied to the frequencies; below 1 it keeps a few function words from dominating."""


_WORD_CLASSES = {
    "noun": _WordClass(("n",), 15000, 2, 4, 1.0),
    "verbal_noun": _WordClass(("vn",), 2000, 2, 4, 1.0),
    "verb": _WordClass(("v",), 6000, 2, 4, 0.8),
    "adjective": _WordClass(("a",), 1500, 1, 4, 0.9),
    "adverb": _WordClass(("d", "ad"), 500, 1, 4, 0.8),
    "preposition": _WordClass(("p",), 40, 1, 3, 0.8),
    "conjunction": _WordClass(("c",), 60, 2, 4, 1.0),
    "time": _WordClass(("t",), 300, 2, 4, 1.0),
    "idiom": _WordClass(("i", "l"), 5000, 4, 4, 1.0),
}

# Everyday vocabulary of Party-building reports. jieba knows most of these words
# but ranks them by general-news frequency; here they get the share they have in
# this site's texts.
_GENERIC_DOMAIN_WORDS = (
    "党员",
    "党组织",
    "学习",
    "党员干部",
    "党支部",
    "基层党组织",
    "党委",
    "领导班子",
    "理论学习",
    "学习制度",
    "学习活动",
    "学习氛围",
    "教育培训",
    "集中学习",
    "个人自学",
    "专题讲座",
    "读书活动",
    "学习计划",
    "学习心得",
    "辅导报告",
    "党建工作",
    "组织生活",
    "主题党日",
    "党小组",
    "支部书记",
    "党总支",
    "远程教育",
    "学习园地",
    "学习笔记",
    "学以致用",
    "学习载体",
    "学习阵地",
    "考核机制",
    "激励机制",
    "学习成果",
    "业务技能",
    "政策法规",
    "理论武装",
    "服务群众",
    "创新能力",
)

_DOMAIN_GENERIC_RATE = 0.09
_DOMAIN_SPECIAL_RATE = 0.05
"""Shares of noun slots filled with domain words and with special terms; the special
rate gives a few dozen term occurrences per entry, as in the real write-ups."""

# Short slogans read as coined terms, and real texts put them in quotation marks.
_QUOTED_TERM = re.compile(r"^(?:[一二三四五六七八九十两].{0,3}|.{1,3}|要我学|我要学|.*学习化)$")


@dataclass(frozen=True)
class _Lexicon:
    """Words and cumulative weights, computed once per process and shared by every corpus."""

    classes: dict[str, tuple[tuple[str, ...], tuple[float, ...]]]
    """Words and cumulative weights by class; ``noun_or_term`` mixes in domain vocabulary."""
    special_terms: tuple[tuple[str, ...], tuple[float, ...]]
    """Terms from the search dictionary and the taxonomy: the words keywords come from."""
    theme_ids: tuple[str, ...]
    theme_names: dict[str, str]
    org_type_ids: tuple[str, ...]
    org_type_names: dict[str, str]


def _jieba_dictionary() -> Path:
    return Path(os.path.dirname(jieba.__file__)) / "dict.txt"


def _cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    total = 0.0
    out = []
    for weight in weights:
        total += weight
        out.append(total)
    return tuple(out)


def _zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    """Weights 1/rank**exponent: the frequency curve of natural vocabularies."""
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


def _zipf(count: int, exponent: float = 1.0) -> tuple[float, ...]:
    return _cumulative(_zipf_weights(count, exponent))


def _scaled(weights: Sequence[float], share: float) -> list[float]:
    total = sum(weights)
    return [w * share / total for w in weights]


@cache
def _lexicon() -> _Lexicon:
    found: dict[str, list[tuple[int, str]]] = {name: [] for name in _WORD_CLASSES}
    by_tag: dict[str, list[str]] = {}
    for name, spec in _WORD_CLASSES.items():
        for tag in spec.tags:
            by_tag.setdefault(tag, []).append(name)
    with _jieba_dictionary().open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) < 3 or parts[2] not in by_tag:
                continue
            word, freq = parts[0], int(parts[1])
            if not _HAN.fullmatch(word):
                continue
            for name in by_tag[parts[2]]:
                spec = _WORD_CLASSES[name]
                if spec.min_len <= len(word) <= spec.max_len:
                    found[name].append((freq, word))
    classes = {}
    noun_weights: list[float] = []
    for name, spec in _WORD_CLASSES.items():
        # Ties broken by the word itself, so the selection never depends on file order.
        ranked = sorted(found[name], key=lambda fw: (-fw[0], fw[1]))[: spec.top]
        weights = [f**spec.exponent for f, _ in ranked]
        classes[name] = (tuple(w for _, w in ranked), _cumulative(weights))
        if name == "noun":
            noun_weights = weights

    taxonomy = yaml.safe_load((REPO_CONTENT / "taxonomy.yml").read_text(encoding="utf-8"))
    themes = sorted(taxonomy["themes"], key=lambda t: t["order"])
    org_types = sorted(taxonomy["org_types"], key=lambda t: t["order"])
    search_terms = [
        line.strip()
        for line in (REPO_CONTENT / "search-terms.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    special = list(dict.fromkeys([*search_terms, *(t["name"] for t in themes + org_types)]))

    # Noun slots draw from one mixed vocabulary, so mixing in domain terms costs no
    # extra random draw per word; quoted and bare spellings of a slogan are separate items.
    mixed = [*classes["noun"][0], *_GENERIC_DOMAIN_WORDS]
    mixed_weights = [
        *_scaled(noun_weights, 1 - _DOMAIN_GENERIC_RATE - _DOMAIN_SPECIAL_RATE),
        *_scaled(_zipf_weights(len(_GENERIC_DOMAIN_WORDS), 0.8), _DOMAIN_GENERIC_RATE),
    ]
    for term, weight in zip(
        special, _scaled(_zipf_weights(len(special), 0.7), _DOMAIN_SPECIAL_RATE), strict=True
    ):
        quoted_share = 0.6 if _QUOTED_TERM.match(term) else 0.0
        mixed += [f"“{term}”", term]
        mixed_weights += [weight * quoted_share, weight * (1 - quoted_share)]
    classes["noun_or_term"] = (tuple(mixed), _cumulative(mixed_weights))
    return _Lexicon(
        classes=classes,
        special_terms=(tuple(special), _zipf(len(special), 0.7)),
        theme_ids=tuple(t["id"] for t in themes),
        theme_names={t["id"]: t["name"] for t in themes},
        org_type_ids=tuple(t["id"] for t in org_types),
        org_type_names={t["id"]: t["name"] for t in org_types},
    )


def _sampler(
    items: Sequence[Any], cum_weights: Sequence[float], rng: random.Random
) -> Callable[[], Any]:
    """A function returning one weighted draw from ``items`` per call.

    The same draw as ``rng.choices(items, cum_weights=cum_weights)[0]``, but with
    the set-up done once and everything bound as defaults: about 0.4 µs a word
    instead of 1.5 µs, and word drawing is the hot path of generation.
    """

    def draw(
        items: Sequence[Any] = items,
        cum: Sequence[float] = cum_weights,
        total: float = cum_weights[-1],
        random_: Callable[[], float] = rng.random,
        bisect: Callable[..., int] = bisect_right,
    ) -> Any:
        return items[bisect(cum, random_() * total)]

    return draw


def _weighted(pairs: Sequence[tuple[Any, float]], rng: random.Random) -> Callable[[], Any]:
    return _sampler([p[0] for p in pairs], _cumulative([p[1] for p in pairs]), rng)


# --- prose ---------------------------------------------------------------------

# Clause templates. Upper-case ASCII letters are slots, everything else is literal:
# N noun (domain terms mixed in), M verbal noun, V verb, A adjective, D adverb,
# P preposition, C conjunction, T time word, I idiom, X action verb, Q quantity.
_CLAUSE_TEMPLATES = (
    ("NDVN", 10),
    ("PNVM", 6),
    ("DVA的N", 6),
    ("VN的M", 6),
    ("NMDA", 5),
    ("CNVN", 5),
    ("TNVM", 3),
    ("在N中VN", 4),
    ("把N作为N", 3),
    ("N、N和NDV", 3),
    ("通过VMVN", 3),
    ("NDI", 3),
    ("DVN", 4),
    ("围绕NVM", 2),
    ("N的MDV", 3),
    ("I", 1),
    ("共XNQ", 2),
    ("TXNQ", 1),
    ("坚持VN，DVM", 2),
)
_SLOTS = {
    "N": "noun_or_term",
    "M": "verbal_noun",
    "V": "verb",
    "A": "adjective",
    "D": "adverb",
    "P": "preposition",
    "C": "conjunction",
    "T": "time",
    "I": "idiom",
}
_ACTION_VERBS = ("举办", "开展", "组织", "培训", "撰写", "编印", "建立", "评选", "召开", "征集")
_COUNT_UNITS = ("次", "场", "期", "名", "人次", "篇", "个", "册", "项")
_ORDINALS = "一二三四五六"


class _Prose:
    """Sentences and paragraphs of synthetic Chinese, drawn from one random generator."""

    def __init__(self, rng: random.Random, lexicon: _Lexicon) -> None:
        self.rng = rng
        self._random = rng.random
        words = {name: _sampler(*pair, rng) for name, pair in lexicon.classes.items()}
        self._special = _sampler(*lexicon.special_terms, rng)
        fillers: dict[str, Callable[[], str]] = {
            **{slot: words[name] for slot, name in _SLOTS.items()},
            "X": _sampler(_ACTION_VERBS, _zipf(len(_ACTION_VERBS)), rng),
            "Q": self._quantity,
        }
        compiled = [(_compile(template, fillers), weight) for template, weight in _CLAUSE_TEMPLATES]
        self._template = _weighted(compiled, rng)
        self._clauses = _weighted([(1, 4), (2, 30), (3, 38), (4, 20), (5, 8)], rng)
        self.noun: Callable[[], str] = words["noun_or_term"]

    def term(self, *, quote: bool = True) -> str:
        """A special term, quoted the way texts quote it unless ``quote`` is false."""
        term = self._special()
        if quote and _QUOTED_TERM.match(term) and self._random() < 0.6:
            return f"“{term}”"
        return term

    def _quantity(self) -> str:
        return f"{self.rng.randint(2, 300)}{_COUNT_UNITS[self.rng.randrange(len(_COUNT_UNITS))]}"

    def clause(self) -> str:
        text, slots = self._template()
        return text % tuple([slot() for slot in slots])

    def sentence(self) -> str:
        if self._random() < 0.06:
            return self._enumeration()
        random_ = self._random
        parts = [self.clause()]
        for _ in range(self._clauses() - 1):
            parts.append("；" if random_() < 0.1 else "，")
            parts.append(self.clause())
        parts.append("。")
        return "".join(parts)

    def _enumeration(self) -> str:
        """The 一是……；二是…… pattern that report writing uses constantly."""
        count = self.rng.randint(2, 4)
        items = [f"{_ORDINALS[i]}是{self.clause()}，{self.clause()}" for i in range(count)]
        return f"{self.clause()}：{'；'.join(items)}。"

    def paragraph(self, target: int) -> str:
        sentences = []
        length = 0
        # Stop a little short: the last sentence overshoots by half a sentence on average.
        while length < target - 20 or not sentences:
            sentence = self.sentence()
            sentences.append(sentence)
            length += len(sentence)
        return "".join(sentences)

    def text(self, target: int, *, max_paragraphs: int = 4) -> str:
        """Paragraphs of about ``target`` characters in total, separated by blank lines."""
        count = max(1, min(max_paragraphs, round(target / self.rng.uniform(160, 300))))
        share = target / count
        return "\n\n".join(
            self.paragraph(round(share * self.rng.uniform(0.75, 1.25))) for _ in range(count)
        )

    def line(self, limit: int) -> str:
        """One sentence of at most ``limit`` characters, for summaries and headings."""
        text = self.clause()
        while len(text) >= limit - 1:
            text = self.clause()
        for _ in range(4):
            clause = self.clause()
            if len(text) + len(clause) + 2 > limit:
                break
            text += "，" + clause
        return text + "。"


def _compile(
    template: str, fillers: dict[str, Callable[[], str]]
) -> tuple[str, tuple[Callable[[], str], ...]]:
    """A template as a ``%``-format string and the fillers of its slots, in order."""
    slots = tuple(fillers[char] for char in template if char in fillers)
    text = "".join("%s" if char in fillers else char for char in template)
    return text, slots


# --- places and organizations ----------------------------------------------------

_PROVINCES = (
    ("北京市", 4),
    ("天津市", 3),
    ("上海市", 4),
    ("重庆市", 5),
    ("河北省", 7),
    ("山西省", 5),
    ("辽宁省", 5),
    ("吉林省", 4),
    ("黑龙江省", 4),
    ("江苏省", 8),
    ("浙江省", 8),
    ("安徽省", 7),
    ("福建省", 5),
    ("江西省", 5),
    ("山东省", 9),
    ("河南省", 9),
    ("湖北省", 7),
    ("湖南省", 7),
    ("广东省", 9),
    ("海南省", 2),
    ("四川省", 8),
    ("贵州省", 4),
    ("云南省", 5),
    ("陕西省", 5),
    ("甘肃省", 3),
    ("青海省", 1),
    ("内蒙古自治区", 3),
    ("广西壮族自治区", 5),
    ("西藏自治区", 1),
    ("宁夏回族自治区", 1),
    ("新疆维吾尔自治区", 3),
)
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_PLACE_FIRST = (
    "东西南北青河山平安永新长兴龙石清黄白金桃柳杨高双凤临丰宁泰福云马桂梅松枫红华明文武洪乐"
)
_PLACE_SECOND = "阳山河江川平安宁源水城林丰溪桥岭台湖州口坪庄塘泉峰沟湾田坝家营堡集铺"
_AGENCIES = (
    "财政局",
    "教育局",
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "农业农村局",
    "市场监督管理局",
    "统计局",
    "审计局",
    "交通运输局",
    "民政局",
    "司法局",
    "商务局",
    "水利局",
    "自然资源局",
    "税务局",
)
_INDUSTRIES = ("能源", "交通投资", "水务", "建设", "电力", "钢铁", "煤业", "化工", "港务", "燃气")
_INSTITUTIONS = ("人民医院", "广播电视台", "图书馆", "疾病预防控制中心", "文化馆", "博物馆")
_RESEARCH_FIELDS = ("农业", "水利", "林业", "地质", "环境", "畜牧", "建筑", "医学")
_BUSINESSES = ("科技", "物流", "电子", "食品", "纺织", "商贸", "软件", "建材")


@dataclass(frozen=True)
class _Place:
    province: str
    city: str
    """City, or district for the four municipalities."""
    county: str
    town: str
    village: str

    @property
    def region(self) -> str:
        return f"{self.province}{self.city}"


class _Places:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._province = _weighted(_PROVINCES, rng)

    def name(self) -> str:
        return self.rng.choice(_PLACE_FIRST) + self.rng.choice(_PLACE_SECOND)

    def place(self) -> _Place:
        province = self._province()
        city = self.name() + ("区" if province in _MUNICIPALITIES else "市")
        county = self.name() + ("县" if self.rng.random() < 0.7 else "区")
        return _Place(province, city, county, self.name(), self.name())

    def unit(self, org_type: str, place: _Place) -> tuple[str, str]:
        """A synthetic organization name and the short name a title would use."""
        rng = self.rng
        city = place.city
        if org_type == "rural":
            if rng.random() < 0.5:
                return f"{place.county}{place.town}镇党委", f"{place.town}镇"
            return f"{place.county}{place.town}乡{place.village}村党支部", f"{place.village}村"
        if org_type == "urban-community":
            street, community = place.town, place.village
            return (
                f"{place.county}{street}街道{community}社区党委",
                f"{community}社区",
            )
        if org_type == "government-agency":
            agency = rng.choice(_AGENCIES)
            return f"{city}{agency}机关党委", f"{city}{agency}"
        if org_type == "state-owned-enterprise":
            name = place.town + rng.choice(_INDUSTRIES) + "集团"
            return f"{name}有限公司党委", name
        if org_type == "public-institution":
            name = city + rng.choice(_INSTITUTIONS)
            return f"{name}党委", name
        if org_type == "school":
            if rng.random() < 0.5:
                name = f"{city}第{_ORDINALS[rng.randrange(len(_ORDINALS))]}中学"
                return f"{name}党总支", name
            name = f"{place.town}职业技术学院"
            return f"{name}党委", name
        if org_type == "research-institute":
            name = f"{place.province}{rng.choice(_RESEARCH_FIELDS)}科学研究院"
            return f"{name}党委", name
        if org_type == "new-organizations":
            name = f"{place.town}{rng.choice(_BUSINESSES)}有限公司"
            return f"{name}党支部", name
        if org_type == "cadre-team":
            return f"{place.county}干部队伍", place.county
        # An org type added to the taxonomy later still gets a plausible unit.
        return f"{place.county}{place.town}党委", place.town


# --- entries -----------------------------------------------------------------------

# Real collections are dominated by villages, communities, agencies and state-owned
# enterprises; research institutes and whole cadre teams are rare.
_ORG_TYPE_WEIGHTS = {
    "rural": 22,
    "urban-community": 18,
    "government-agency": 20,
    "state-owned-enterprise": 16,
    "public-institution": 9,
    "school": 7,
    "new-organizations": 5,
    "research-institute": 2,
    "cadre-team": 1,
}
_THEME_WEIGHTS = {
    "learning-forms": 10,
    "institutions": 9,
    "learning-philosophy": 7,
    "leadership-example": 6,
    "learning-content": 6,
    "incentives-assessment": 5,
    "results": 4,
    "problems-countermeasures": 3,
    "learning-culture": 3,
}
_THEME_COUNTS = ((1, 10), (2, 38), (3, 32), (4, 13), (5, 7))
_KEYWORD_COUNTS = ((0, 8), (1, 10), (2, 18), (3, 22), (4, 20), (5, 12), (6, 10))
_FIGURES = (
    ("参训人次", "人次", 200, 20000),
    ("举办专题讲座", "期", 5, 120),
    ("中心组集中学习", "次", 6, 48),
    ("撰写学习心得", "篇", 50, 5000),
    ("建成学习阵地", "个", 2, 60),
    ("开展读书活动", "场", 3, 80),
    ("培养学习标兵", "名", 5, 200),
    ("获评先进集体", "个", 1, 20),
    ("覆盖党员", "名", 30, 8000),
    ("编印学习资料", "册", 100, 20000),
    ("选派骨干外出培训", "人次", 10, 600),
    ("开展主题党日", "次", 4, 60),
)
_CASE_TITLES = (
    "以{t}推动{m}",
    "用{t}带动{n}{m}",
    "把{t}融入{m}",
    "{t}助推{n}{m}",
    "抓{t}，促{m}",
    "创新{t}，提升{n}",
    "{t}与{m}相结合",
    "立足{n}抓{t}",
)
_PRACTICE_TITLES = (
    "{t}：把{n}{m}落到实处",
    "以{t}抓实{m}",
    "推行{t}，{v}{n}",
    "{t}的{n}与{m}",
    "{m}中的{t}",
)
_MATERIAL_TITLES = (
    "关于{t}的几点思考",
    "{t}的实践与思考",
    "浅谈{t}与{m}",
    "{t}学习辅导",
    "怎样抓好{t}",
    "{t}：{m}的{n}",
)
_SOURCE_TITLES = {
    "case": ("关于{u}创建学习型党组织工作的情况汇报", "{u}{y}年度学习工作总结", "{u}经验材料"),
    "practice": ("{t}经验交流材料", "推广{t}的做法", "{t}工作指引"),
    "material": ("{t}学习辅导材料", "关于加强{t}的意见", "{t}专题讲稿"),
}


class _CorpusBuilder:
    """Builds entry dicts in dependency order: cases and materials before practices."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.lexicon = _lexicon()
        self.prose = _Prose(self.rng, self.lexicon)
        self.places = _Places(self.rng)
        self._titles: dict[str, None] = {}
        self._serial = 0
        self._org_type = _weighted(
            [(t, _ORG_TYPE_WEIGHTS.get(t, 3)) for t in self.lexicon.org_type_ids], self.rng
        )
        self._theme = _weighted(
            [(t, _THEME_WEIGHTS.get(t, 3)) for t in self.lexicon.theme_ids], self.rng
        )
        self._theme_count = _weighted(_THEME_COUNTS, self.rng)
        self._keyword_count = _weighted(_KEYWORD_COUNTS, self.rng)
        words = self.lexicon.classes
        self._verbal_noun = _sampler(*words["verbal_noun"], self.rng)
        self._verb = _sampler(*words["verb"], self.rng)
        self._special_terms = self.lexicon.special_terms[0]

    # Shared parts.

    def _budget(self) -> int:
        return round(min(max(self.rng.gauss(BODY_TARGET, 300), 2200), 3800))

    def _split(self, total: int, count: int) -> list[int]:
        weights = [self.rng.uniform(0.7, 1.3) for _ in range(count)]
        scale = total / sum(weights)
        return [round(w * scale) for w in weights]

    def _themes(self) -> list[str]:
        count = min(self._theme_count(), len(self.lexicon.theme_ids))
        chosen: list[str] = []
        while len(chosen) < count:
            theme = self._theme()
            if theme not in chosen:
                chosen.append(theme)
        return chosen

    def _with_keywords(self, entry: dict[str, Any]) -> dict[str, Any]:
        """``entry`` with keywords picked among the special terms its text uses, as editors do."""
        text = entry["title"] + body_text(entry)
        found = sorted((text.find(t), t) for t in self._special_terms if t in text)
        count = min(self._keyword_count(), len(found))
        entry["keywords"] = self.rng.sample([t for _, t in found], count)
        return entry

    def _title(self, patterns: Sequence[str], prefix: str = "") -> str:
        pattern = self.rng.choice(patterns)
        title = prefix + pattern.format(
            t=self.prose.term(), n=self.prose.noun(), m=self._verbal_noun(), v=self._verb()
        )
        title = title[:56]
        unique, number = title, 1
        # A repeated title would make listings and search results ambiguous.
        while unique in self._titles:
            number += 1
            unique = f"{title}（{number}）"
        self._titles[unique] = None
        return unique

    def _sources(self, kind: str, unit: str = "") -> tuple[list[dict[str, Any]], int]:
        self._serial += 1
        year = self.rng.randint(2005, 2024)
        published = datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randrange(365))
        pattern = self.rng.choice(_SOURCE_TITLES[kind])
        title = pattern.format(u=unit, y=year - 1, t=self.prose.term(quote=False))
        source = {
            "document": f"synthetic-{self._serial:06d}.txt",
            "title": title,
            "published": published,
        }
        return [source], year

    def _period(self, published_year: int) -> str:
        end = max(2003, published_year - self.rng.choice((0, 1, 1, 2, 3)))
        start = end - self.rng.choice((0, 1, 2, 2, 3, 3, 4, 5))
        form = self.rng.random()
        if form < 0.15:
            return f"{start}年以来"
        if form < 0.3:
            return f"{start}年{self.rng.randint(1, 12)}月至{end}年{self.rng.randint(1, 12)}月"
        return f"{start}年至{end}年" if start < end else f"{start}年"

    def _header(self, kind: str, number: int, title: str, org_type: str) -> dict[str, Any]:
        return {
            "id": f"{kind}-{number:06d}",
            "kind": kind,
            "title": title,
            "summary": self.prose.line(78),
            "org_type": org_type,
            "themes": self._themes(),
        }

    def _steps(self, total: int, count: int) -> list[dict[str, str]]:
        return [
            {
                "title": self.prose.line(24).rstrip("。"),
                "text": self.prose.text(share, max_paragraphs=3),
            }
            for share in self._split(total, count)
        ]

    def _items(self, total: int, count: int) -> list[str]:
        return [self.prose.paragraph(share) for share in self._split(total, count)]

    # One builder per kind. Body text is generated before keywords are chosen, so
    # keywords are terms the entry's text actually uses, as an editor would pick them.

    def case(self, number: int) -> dict[str, Any]:
        org_type = self._org_type()
        place = self.places.place()
        unit, short = self.places.unit(org_type, place)
        entry = self._header("case", number, self._title(_CASE_TITLES, f"{short}："), org_type)
        budget = self._budget()
        sources, year = self._sources("case", unit)
        region = place.region if self.rng.random() < 0.5 else f"{place.region}{place.county}"
        body = {
            "unit": unit,
            "region": region,
            "period": self._period(year),
            "background": self.prose.text(round(budget * 0.16), max_paragraphs=3),
            "actions": self._steps(round(budget * 0.52), self.rng.randint(3, 6)),
            "results": {
                "summary": self.prose.text(round(budget * 0.12), max_paragraphs=2),
                "figures": self._figures(),
            },
            "lessons": self._items(round(budget * 0.20), self.rng.randint(3, 5)),
        }
        return self._with_keywords({**entry, "keywords": [], "sources": sources, **body})

    def _figures(self) -> list[dict[str, str]]:
        count = self.rng.randint(2, 6)
        with_rate = self.rng.random() < 0.3
        chosen = self.rng.sample(range(len(_FIGURES)), count - with_rate)
        figures = []
        for index in chosen:
            label, unit, low, high = _FIGURES[index]
            figures.append({"label": label, "value": f"{self.rng.randint(low, high)}{unit}"})
        if with_rate:
            rate = self.rng.randint(850, 1000) / 10
            figures.append({"label": "党员参学率", "value": f"{rate:g}%"})
        return figures

    def practice(self, number: int, citable: Sequence[str]) -> dict[str, Any]:
        org_type = self._org_type()
        entry = self._header("practice", number, self._title(_PRACTICE_TITLES), org_type)
        budget = self._budget()
        sources, _ = self._sources("practice")
        body = {
            "steps": self._steps(round(budget * 0.58), self.rng.randint(3, 6)),
            "fits": self.prose.text(round(budget * 0.14), max_paragraphs=2),
            "cases": self.rng.sample(list(citable), min(len(citable), self.rng.randint(1, 4))),
            "cautions": self._items(round(budget * 0.28), self.rng.randint(2, 4)),
        }
        return self._with_keywords({**entry, "keywords": [], "sources": sources, **body})

    def material(self, number: int) -> dict[str, Any]:
        org_type = self._org_type()
        entry = self._header("material", number, self._title(_MATERIAL_TITLES), org_type)
        budget = self._budget()
        sources, _ = self._sources("material")
        sections = []
        for share in self._split(round(budget * 0.8), self.rng.randint(3, 6)):
            points = self.rng.choice((0, 0, 2, 3, 4))
            text_share = share if not points else round(share * 0.6)
            section: dict[str, Any] = {
                "title": self.prose.line(24).rstrip("。"),
                "text": self.prose.text(text_share, max_paragraphs=3),
            }
            if points:
                section["points"] = self._items(share - text_share, points)
            sections.append(section)
        body = {
            "sections": sections,
            "key_points": self._items(round(budget * 0.2), self.rng.randint(3, 6)),
        }
        return self._with_keywords({**entry, "keywords": [], "sources": sources, **body})


def _kind_counts(size: int) -> dict[str, int]:
    cases = max(1, round(size * KIND_SHARES["case"])) if size else 0
    materials = min(size - cases, round(size * KIND_SHARES["material"]))
    return {"case": cases, "practice": size - cases - materials, "material": materials}


def build_entries(size: int, *, seed: int = 0) -> list[dict[str, Any]]:
    """The entry dicts of a corpus, in kind order (cases, practices, materials), unwritten."""
    counts = _kind_counts(size)
    builder = _CorpusBuilder(seed)
    cases = [builder.case(n) for n in range(1, counts["case"] + 1)]
    materials = [builder.material(n) for n in range(1, counts["material"] + 1)]
    citable = [e["id"] for e in cases + materials]
    practices = [builder.practice(n, citable) for n in range(1, counts["practice"] + 1)]
    return cases + practices + materials


# --- YAML output ---------------------------------------------------------------------

# Generated values hold Chinese, Chinese punctuation, digits and (in ids and file names)
# lower-case ASCII; written plain, as editors write them, unless YAML would read them
# as something other than a string.
_PLAIN = re.compile(r"(?:[^\x00-\x7f\x85\u2028\u2029\ufeff]|[a-z0-9.%-])+")
_NOT_STRING = re.compile(r"[0-9.%-]+|y|n|yes|no|on|off|true|false|null")


def _scalar(value: str) -> str:
    if _PLAIN.fullmatch(value) and not _NOT_STRING.fullmatch(value) and value[0] not in "-.%":
        return value
    return json.dumps(value, ensure_ascii=False)


def _flow(values: Sequence[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _block(key: str, text: str, indent: str) -> list[str]:
    inner = indent + "  "
    return [f"{indent}{key}: |", *(inner + line if line else "" for line in text.split("\n"))]


def _entry_yaml(entry: dict[str, Any]) -> str:
    """One entry in the style of the hand-written files: block scalars for long text."""
    kind = entry["kind"]
    lines = [f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json"]
    for key, value in entry.items():
        if key in {"themes", "keywords", "cases"}:
            lines.append(f"{key}: {_flow(value)}")
        elif key == "sources":
            lines.append("sources:")
            for source in value:
                lines.append(f"  - document: {_scalar(source['document'])}")
                lines.append(f"    title: {_scalar(source['title'])}")
                if source.get("published"):
                    lines.append(f"    published: {source['published'].isoformat()}")
        elif key in {"actions", "steps", "sections"}:
            lines.append(f"{key}:")
            for item in value:
                lines.append(f"  - title: {_scalar(item['title'])}")
                lines.extend(_block("text", item["text"], "    "))
                if item.get("points"):
                    lines.append("    points:")
                    lines.extend(f"      - {_scalar(p)}" for p in item["points"])
        elif key == "results":
            lines.append("results:")
            lines.extend(_block("summary", value["summary"], "  "))
            lines.append("  figures:")
            for figure in value["figures"]:
                lines.append(f"    - label: {_scalar(figure['label'])}")
                lines.append(f"      value: {_scalar(figure['value'])}")
        elif key in {"lessons", "cautions", "key_points"}:
            lines.append(f"{key}:")
            lines.extend(f"  - {_scalar(item)}" for item in value)
        elif "\n" in value:
            lines.extend(_block(key, value, ""))
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _write_text(path: Path, text: str) -> None:
    # newline="\n": the same bytes on every platform, so corpora can be compared by hash.
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(text)


def _empty_folder(path: Path) -> None:
    if path.exists() and any(path.iterdir()):
        # Left-over entries of an earlier, larger corpus would silently join this one.
        raise FileExistsError(f"{path} already exists and is not empty")
    path.mkdir(parents=True, exist_ok=True)


def write_corpus(dest: Path, size: int, *, seed: int = 0) -> list[dict[str, Any]]:
    """Write a content folder of ``size`` synthetic entries to ``dest/content/``.

    The taxonomy and search dictionary are copied from the repository's content
    folder. Returns the entry dicts written, in kind order. The same ``size`` and
    ``seed`` give byte-for-byte the same files. Raises :class:`FileExistsError`
    if ``dest/content`` exists and is not empty.
    """
    content = Path(dest) / "content"
    _empty_folder(content)
    for name in COPIED_FILES:
        shutil.copyfile(REPO_CONTENT / name, content / name)
    for folder in (k.folder for k in ENTRY_KINDS.values()):
        (content / folder).mkdir()
    entries = build_entries(size, seed=seed)
    for entry in entries:
        folder = content / KINDS[entry["kind"]].folder
        _write_text(folder / f"{entry['id']}.yml", _entry_yaml(entry))
    return entries


# --- Markdown reference project ----------------------------------------------------------


def _body_parts(entry: dict[str, Any]) -> Iterator[str]:
    kind = entry["kind"]
    if kind == "case":
        yield entry["background"]
        yield from (a["text"] for a in entry["actions"])
        yield entry["results"]["summary"]
        yield from entry["lessons"]
    elif kind == "practice":
        yield from (s["text"] for s in entry["steps"])
        yield entry["fits"]
        yield from entry["cautions"]
    else:
        for section in entry["sections"]:
            yield section["text"]
            yield from section.get("points", [])
        yield from entry["key_points"]


def body_text(entry: dict[str, Any]) -> str:
    """An entry's body text (the long fields, not titles or metadata), paragraphs joined."""
    return "\n\n".join(_body_parts(entry))


def _entry_markdown(entry: dict[str, Any], titles: dict[str, tuple[str, str]]) -> str:
    lexicon = _lexicon()
    kind = entry["kind"]
    themes = "、".join(lexicon.theme_names.get(t, t) for t in entry["themes"])
    org_type = lexicon.org_type_names.get(entry["org_type"], entry["org_type"])
    out = [f"# {entry['title']}", "", entry["summary"], "", f"组织类型：{org_type}　主题：{themes}"]
    if entry["keywords"]:
        out.append(f"关键词：{'、'.join(entry['keywords'])}")
    out.append("")

    def section(model: Any, field: str) -> None:
        out.extend([f"## {field_label(model, field)}", ""])

    def bullets(items: Sequence[str]) -> None:
        out.extend([*(f"- {item}" for item in items), ""])

    if kind == "case":
        out.extend([f"单位：{entry['unit']}　地区：{entry['region']}　时间：{entry['period']}", ""])
        section(CaseStudy, "background")
        out.extend([entry["background"], ""])
        section(CaseStudy, "actions")
        for action in entry["actions"]:
            out.extend([f"### {action['title']}", "", action["text"], ""])
        section(CaseStudy, "results")
        out.extend([entry["results"]["summary"], ""])
        out.append(f"| {field_label(Figure, 'label')} | {field_label(Figure, 'value')} |")
        out.append("| --- | --- |")
        out.extend(f"| {f['label']} | {f['value']} |" for f in entry["results"]["figures"])
        out.append("")
        section(CaseStudy, "lessons")
        bullets(entry["lessons"])
    elif kind == "practice":
        section(BestPractice, "steps")
        for step in entry["steps"]:
            out.extend([f"### {step['title']}", "", step["text"], ""])
        section(BestPractice, "fits")
        out.extend([entry["fits"], ""])
        section(BestPractice, "cautions")
        bullets(entry["cautions"])
        section(BestPractice, "cases")
        links = []
        for target in entry["cases"]:
            target_kind, title = titles[target]
            links.append(f"[{title}](../{KINDS[target_kind].folder}/{target}.md)")
        bullets(links)
    else:
        for part in entry["sections"]:
            out.extend([f"## {part['title']}", "", part["text"], ""])
            if part.get("points"):
                bullets(part["points"])
        section(StudyMaterial, "key_points")
        bullets(entry["key_points"])
    return "\n".join(out).rstrip("\n") + "\n"


# Material's search plugin configured as the repository's mkdocs.yml configured it
# before the kb plugin got its own search index: the baseline this project's search
# is measured against. With lang zh and jieba installed, Material segments Chinese
# with jieba and inserts U+200B between words; the separator splits on it and on
# Chinese punctuation, so every word becomes its own index token.
_SEARCH_PLUGIN = r"""plugins:
  - search:
      lang: zh
      separator: '[\s\u200b\u3000\-、。，．？！；：“”‘’（）《》·,.?!;:()"]+'
"""


def _mkdocs_yml(site_name: str) -> str:
    return f"""\
# Reference build for benchmarks: the synthetic corpus as plain Markdown pages,
# written by bench/corpus.py. Compare its build and search with the kb site's.
site_name: {site_name}
theme:
  name: material
  language: zh
  font: false
# Entries are reached through the index pages, as on the real site: a nav listing
# every entry would be rendered into every page and dominate the build time.
nav:
  - index.md
  - {KINDS["case"].folder}/index.md
  - {KINDS["practice"].folder}/index.md
  - {KINDS["material"].folder}/index.md
validation:
  nav:
    omitted_files: ignore
{_SEARCH_PLUGIN}"""


def write_markdown_corpus(dest: Path, entries: list[dict[str, Any]]) -> None:
    """Write ``entries`` as a plain MkDocs + Material project: ``dest/mkdocs.yml`` and ``dest/docs/``.

    One page per entry with the same text and headings as the kb site, one index
    page per kind, and a home page. Raises :class:`FileExistsError` if
    ``dest/docs`` exists and is not empty.
    """
    dest = Path(dest)
    docs = dest / "docs"
    _empty_folder(docs)
    site_name = "学习型党组织建设知识库（基准对照）"
    _write_text(dest / "mkdocs.yml", _mkdocs_yml(site_name))
    titles = {e["id"]: (e["kind"], e["title"]) for e in entries}
    by_kind: dict[str, list[dict[str, Any]]] = {kind: [] for kind in ENTRY_KINDS}
    for entry in entries:
        by_kind[entry["kind"]].append(entry)
    home = [f"# {site_name}", "", f"共 {len(entries)} 个条目。", ""]
    for kind, folder in ((k.name, k.folder) for k in ENTRY_KINDS.values()):
        (docs / folder).mkdir()
        label = KINDS[kind].label
        listing = [f"# {label}", "", f"共 {len(by_kind[kind])} 条。", ""]
        for entry in by_kind[kind]:
            _write_text(docs / folder / f"{entry['id']}.md", _entry_markdown(entry, titles))
            listing.append(f"- [{entry['title']}]({entry['id']}.md)：{entry['summary']}")
        _write_text(docs / folder / "index.md", "\n".join(listing) + "\n")
        home.append(f"- [{label}]({folder}/index.md)（{len(by_kind[kind])} 条）")
    _write_text(docs / "index.md", "\n".join(home) + "\n")


# --- command line ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus",
        description="Write a deterministic synthetic content folder for benchmarks.",
    )
    parser.add_argument("--size", type=int, required=True, help="number of entries")
    parser.add_argument("--out", type=Path, required=True, help="folder to write content/ into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="also write the same entries as a plain MkDocs project to OUT/reference/",
    )
    args = parser.parse_args(argv)
    if args.size < 0:
        parser.error("--size must not be negative")
    started = time.perf_counter()
    try:
        entries = write_corpus(args.out, args.size, seed=args.seed)
        if args.markdown:
            write_markdown_corpus(args.out / "reference", entries)
    except FileExistsError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    average = (
        sum(len(re.sub(r"\s", "", body_text(e))) for e in entries) / len(entries) if entries else 0
    )
    print(
        f"wrote {len(entries)} entries to {args.out / 'content'} in {elapsed:.1f} s "
        f"(average {average:.0f} body characters per entry)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
