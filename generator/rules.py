"""What text and values the content model accepts: the character classes, patterns and
refusals behind its field types, each stated once for ``kb check`` and for the editors'
JSON Schemas, and the field types built from them (:data:`Title`, :data:`Text`, ...).
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
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
_STRIPPED = "".join(re.findall(f"[{WHITESPACE}]", "".join(map(chr, range(0x3001)))))
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
CHINESE_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # Unified Ideographs
    (0xF900, 0xFAFF),  # Compatibility Ideographs
    (0x20000, 0x2FA1F),  # Extensions B to F and I, Compatibility Supplement
    (0x30000, 0x323AF),  # Extensions G and H
)
"""Code points of Chinese characters, for every rule and search that asks for them."""
CHINESE_CHARACTERS = "".join(
    (f"\\u{low:04x}-\\u{high:04x}" if high <= 0xFFFF else f"{chr(low)}-{chr(high)}")
    for low, high in CHINESE_RANGES
)
""":data:`CHINESE_RANGES` as a character class, written (as the other classes here) for
both Python and the editors' schemas."""
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
SHOWING_PATTERN = f"[^{_SHOWS_NOTHING}]"
"""A character that shows: text without one is empty, whatever else it holds."""
_SHOWING = re.compile(SHOWING_PATTERN)


class Refused(enum.StrEnum):
    """What the rules below refuse, by the name a refusal reports it under: ``kb check``
    words each in Chinese under the same name (:mod:`generator.check.messages`)."""

    INVISIBLE = "invisible_character"
    BLANK = "blank_text"
    PADDED = "surrounding_space"
    RESERVED = "reserved_id"
    DATE_WITH_TIME = "date_with_time"
    IMPOSSIBLE_DATE = "impossible_date"
    NOT_A_DATE = "not_a_date"


def _refusal(refused: Refused, context: dict[str, Any]) -> PydanticCustomError:
    return PydanticCustomError(refused.value, refused.value.replace("_", " "), context)


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
        refused = Refused.INVISIBLE if _SHOWING.search(text) else Refused.BLANK
        raise _refusal(refused, {"char": found.group(), "offset": found.start()})
    return text


def _refuse_padding(text: str) -> str:
    if text != text.strip(_STRIPPED):
        raise _refusal(Refused.PADDED, {"value": text})
    return text


def _refuse_reserved(slug: str) -> str:
    if slug.lower() in RESERVED_IDS:
        raise _refusal(Refused.RESERVED, {"value": slug})
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
        raise _refusal(Refused.DATE_WITH_TIME, {})
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        value = value.strip(_STRIPPED)
        if _DATE_AND_TIME.fullmatch(value):
            raise _refusal(Refused.DATE_WITH_TIME, {})
        written = _DATE.fullmatch(value)
        if written:
            year, month, day = (int(part) for part in written.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                context = {"year": year, "month": month, "day": day}
                raise _refusal(Refused.IMPOSSIBLE_DATE, context) from None
    raise _refusal(Refused.NOT_A_DATE, {})


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
