"""What the model says is wrong with a value, in editors' words: each kind of problem the
model reports (pydantic's own, and those its rules raise under the names of
:class:`~generator.rules.Refused`) has a small function here that words it, registered
under that name; a problem without one gets a general sentence naming the field.
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from generator.check.placement import field_at, misplaced_fields, missing_field
from generator.comments import empty_by_comment
from generator.errors import ContentError
from generator.fields import field_label
from generator.load import Document, KeyPath, format_key_path
from generator.quoting import char_name, visible
from generator.rules import PATTERN_RULES, SLUG_PATTERN, Refused

_SPACES = re.compile(r"[ \n]+")
_QUOTE_HINT = '请给整个值加上英文双引号，例如 "{written}"，YAML 才会把它当作文字。'
_DATE_HINT = "请写成“年-月-日”的形式，例如 2022-07-20；不知道日期时删除这一行。"
_INVISIBLE_SOURCE = "这类字符常随从网页、Word 或 PDF 复制来的文字混入"


def error_at(
    document: Document, key_path: KeyPath, message: str, hint: str = "", *, severity: str = "error"
) -> ContentError:
    """A problem with the value at ``key_path`` of ``document``, where it stands."""
    line, column = document.position(key_path)
    return ContentError(
        document.path, line, column, format_key_path(key_path), message, hint, severity
    )


@dataclass(frozen=True)
class Failure:
    """One problem the model reported about a value of a document, with what its wording
    needs: the field's Chinese label and description, and how the value was written."""

    document: Document
    model: type[BaseModel]
    loc: KeyPath
    kind: str
    ctx: dict[str, Any]
    value: Any
    owner: type[BaseModel]
    name: str

    @classmethod
    def of(cls, detail: Any, model: type[BaseModel], document: Document) -> Failure:
        loc: KeyPath = tuple(detail["loc"])
        owner, name = field_at(model, loc)
        value = detail.get("input")
        return cls(
            document, model, loc, detail["type"], detail.get("ctx") or {}, value, owner, name
        )

    @property
    def label(self) -> str:
        label = field_label(self.owner, self.name) if self.name else "内容"
        return (
            f"{label}第 {self.loc[-1] + 1} 项"
            if self.loc and isinstance(self.loc[-1], int)
            else label
        )

    @property
    def description(self) -> str:
        info = self.owner.model_fields.get(self.name)
        found = (info.description if info else None) or ""
        return found.split("：", 1)[1] if "：" in found else found

    @property
    def written(self) -> str | None:
        """How a value YAML read as a number or yes/no was written."""
        return self.document.written.get(self.loc)

    def shown(self) -> str:
        """The value as a message shows it: its kind, and the value or a part of it."""
        return describe_value(self.value, self.written)

    def fill_in(self) -> str:
        return f"请填写{self.description or '内容'}"

    def at(self, message: str, hint: str = "") -> ContentError:
        return error_at(self.document, self.loc, message, hint)


Wording = Callable[[Failure], ContentError]
_WORDING: dict[str, Wording] = {}


def _says(*kinds: str) -> Callable[[Wording], Wording]:
    """Register a wording for the problems reported under ``kinds``."""

    def register(wording: Wording) -> Wording:
        for kind in kinds:
            _WORDING[kind] = wording
        return wording

    return register


_UNFILLED = {"string_type", "list_type", "model_type", "dict_type", "int_type", Refused.NOT_A_DATE}
"""Problems that, for a value of nothing (``summary:`` with nothing after it), mean only that
the field was left empty."""


def translate(detail: Any, model: type[BaseModel], document: Document) -> ContentError:
    """One problem pydantic reported for ``document`` as a ``model``, in editors' words."""
    failure = Failure.of(detail, model, document)
    if failure.value is None and failure.kind in _UNFILLED:
        return _unfilled(failure)
    if _padded_id(failure):
        return _padded(failure)
    return _WORDING.get(failure.kind, _otherwise)(failure)


def validate_model(model: type[BaseModel], document: Document, errors: list[ContentError]) -> Any:
    """``document``'s data as a ``model``, or ``None`` with every problem in ``errors``."""
    try:
        return model.model_validate(document.data)
    except ValidationError as invalid:
        details = [
            detail
            for detail in invalid.errors(include_url=False)
            # What could not be read is reported already, for what it is.
            if not document.is_unreadable(tuple(detail["loc"]))
            and not (detail["type"] == "missing" and document.broken and not document.unreadable)
        ]
        paired, details = misplaced_fields(details, model, document)
        errors.extend(paired)
        errors.extend(translate(detail, model, document) for detail in details)
        return None


def check_field(model: type[BaseModel], name: str, value: Any) -> tuple[Any, str]:
    """``value`` as field ``name`` of ``model`` reads it and "", or None and what is wrong
    with it in ``kb check``'s words: for values given on the command line (``kb new``)."""
    info = model.model_fields[name]
    rule: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    try:
        return TypeAdapter(rule).validate_python(value), ""
    except ValidationError as invalid:
        detail = invalid.errors(include_url=False)[0]
        detail = {**detail, "loc": (name, *detail["loc"])}
        document = Document(path="", content_path="", data={name: value})
        problem = translate(detail, model, document)
        return None, problem.message + problem.hint


def describe_value(value: Any, written: str | None = None) -> str:
    """A value as messages name it: 数字 3, 文本“……”, 含 2 项的列表."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"是非值 {written or str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"数字 {written or value}"
    if isinstance(value, datetime.date):
        return f"日期 {value.isoformat()}"
    if isinstance(value, str):
        return f"文本“{visible(_SPACES.sub(' ', value), limit=20)}”"
    if isinstance(value, list):
        return f"含 {len(value)} 项的列表"
    if isinstance(value, dict):
        return "包含若干字段的映射"
    return type(value).__name__


def _unfilled(f: Failure) -> ContentError:
    why, quote = empty_by_comment(f.written, label=f.label, name=f.loc[-1] if f.loc else "")
    return f.at(why or f"“{f.label}”没有填写。", quote + f.fill_in())


def _padded_id(f: Failure) -> bool:
    """An id refused only for the spaces around it: told as such, not as a wrong pattern."""
    return f.kind == Refused.PADDED or (
        f.kind == "string_pattern_mismatch"
        and f.ctx.get("pattern") == SLUG_PATTERN
        and isinstance(f.value, str)
        and re.fullmatch(SLUG_PATTERN, f.value.strip()) is not None
    )


def _padded(f: Failure) -> ContentError:
    if not f.value.strip():
        return f.at(f"“{f.label}”不能为空。", f.fill_in())
    return f.at(
        f"“{f.label}”的前后不能有空格，实际是“{visible(f.value)}”。",
        f"编号用作文件名和网址，请删掉引号里的空格，写成 {f.value.strip()}。",
    )


def _otherwise(f: Failure) -> ContentError:
    return f.at(f"“{f.label}”的值不符合要求。", f"请按说明填写：{f.description}")


@_says("missing")
def _missing(f: Failure) -> ContentError:
    return missing_field(f.document, f.model, f.loc)


@_says("extra_forbidden")
def _unknown_field(f: Failure) -> ContentError:
    allowed = list(f.owner.model_fields)
    close = difflib.get_close_matches(str(f.loc[-1]), allowed, n=1)
    hint = f"是否想写“{close[0]}”？" if close else ""
    line, column = f.document.key_positions.get(f.loc) or f.document.position(f.loc)
    return ContentError(
        f.document.path,
        line,
        column,
        format_key_path(f.loc),
        f"不认识的字段“{visible(str(f.loc[-1]))}”。",
        f"{hint}这里允许的字段有：{'、'.join(allowed)}。",
    )


@_says("string_type")
def _not_text(f: Failure) -> ContentError:
    if f.written is None:
        hint = "文本中含有冒号等符号时，请用英文双引号把整段括起来。"
    else:
        hint = _QUOTE_HINT.format(written=f.written)
        if f.name == "value":
            hint = "数值要与原始资料完全一致，连同单位一起写，例如“120 人”；" + hint
    return f.at(f"“{f.label}”应为文本，实际是{f.shown()}。", hint)


@_says("list_type")
def _not_a_list(f: Failure) -> ContentError:
    return f.at(
        f"“{f.label}”应为列表，实际是{f.shown()}。",
        "列表的每一项单独一行，以“- ”开头；或写在一行的方括号里，用英文逗号分开，例如 [甲, 乙]。",
    )


@_says("model_type", "dict_type", "model_attributes_type")
def _not_a_mapping(f: Failure) -> ContentError:
    return f.at(
        f"“{f.label}”应为包含若干字段的映射，实际是{f.shown()}。",
        "请在下一行缩进两个空格，逐个写“字段: 值”。",
    )


@_says(Refused.INVISIBLE)
def _invisible(f: Failure) -> ContentError:
    return f.at(
        f"“{f.label}”含有看不见的字符{char_name(f.ctx['char'])}（在第 {f.ctx['offset'] + 1} 个字处）。",
        f"{_INVISIBLE_SOURCE}，会让文字显示错乱或变成空白；"
        "请删除它（VS Code 会把它标出来），或把这段文字重新输入一遍。",
    )


@_says(Refused.BLANK)
def _blank(f: Failure) -> ContentError:
    return f.at(
        f"“{f.label}”只有看不见的字符{char_name(f.ctx['char'])}，等于没有填写。",
        f"{_INVISIBLE_SOURCE}；请删除它们，填写{f.description or '内容'}",
    )


@_says(Refused.RESERVED)
def _reserved(f: Failure) -> ContentError:
    return f.at(
        f"“{f.label}”不能用“{f.ctx['value']}”：这个名字是网站目录页的文件名，或 Windows 不允许的文件名。",
        "请换一个编号，例如在后面加上地名或单位名。",
    )


@_says("string_too_short")
def _empty_text(f: Failure) -> ContentError:
    return f.at(f"“{f.label}”不能为空。", f.fill_in())


@_says("string_too_long")
def _long_text(f: Failure) -> ContentError:
    actual = len(str(f.value).strip())
    return f.at(
        f"“{f.label}”最多 {f.ctx.get('max_length')} 字，实际有 {actual} 字。", "请精简文字。"
    )


@_says("string_pattern_mismatch")
def _pattern(f: Failure) -> ContentError:
    what, hint = PATTERN_RULES.get(f.ctx.get("pattern", ""), ("格式不对", "请按说明填写。"))
    return f.at(f"“{f.label}”{what}，实际是“{visible(str(f.value))}”。", hint)


@_says("too_short")
def _few_items(f: Failure) -> ContentError:
    return f.at(
        f"“{f.label}”至少需要 {f.ctx.get('min_length')} 项，实际有 {f.ctx.get('actual_length', 0)} 项。",
        "请补充。",
    )


@_says("too_long")
def _many_items(f: Failure) -> ContentError:
    return f.at(
        f"“{f.label}”最多 {f.ctx.get('max_length')} 项，实际有 {f.ctx.get('actual_length')} 项。",
        "请只保留最相关的几项。",
    )


@_says("literal_error")
def _not_the_value(f: Failure) -> ContentError:
    # pydantic words the choices in English ("'a', 'b' or 'c'"); said here in Chinese.
    allowed = re.findall(r"'([^']*)'", str(f.ctx.get("expected", "")))
    expected = f"{'、'.join(allowed)} 之一" if len(allowed) > 1 else f.ctx.get("expected")
    return f.at(
        f"“{f.label}”应为 {expected}，实际是“{visible(str(f.value))}”。", "请改为规定的值。"
    )


@_says(Refused.IMPOSSIBLE_DATE)
def _impossible_date(f: Failure) -> ContentError:
    year, month, day = f.ctx["year"], f.ctx["month"], f.ctx["day"]
    if not 1 <= month <= 12:
        reason = f"没有 {month} 月"
    else:
        reason = f"{year} 年 {month} 月只有 {calendar.monthrange(year, month)[1]} 天，没有 {day} 日"
    return f.at(
        f"“{f.label}”不是真实存在的日期：{reason}。", "请核对原始资料上的日期；" + _DATE_HINT
    )


@_says(Refused.DATE_WITH_TIME)
def _date_with_time(f: Failure) -> ContentError:
    return f.at(f"“{f.label}”只写日期，不写时刻，实际是“{visible(str(f.value))}”。", _DATE_HINT)


@_says(Refused.NOT_A_DATE)
def _not_a_date(f: Failure) -> ContentError:
    return f.at(f"“{f.label}”应为日期，实际是{f.shown()}。", _DATE_HINT)


@_says("int_type", "int_parsing", "int_from_float")
def _not_whole(f: Failure) -> ContentError:
    return f.at(f"“{f.label}”应为整数，实际是{f.shown()}。", "请填写阿拉伯数字，不加引号，例如 3。")
