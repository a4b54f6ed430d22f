"""Parsing one content file: its text (:mod:`generator.encoding`) read as YAML 1.2 into
plain data and a :class:`~generator.document.Document` of where every value sits. Lines
YAML cannot read are set aside one at a time and the rest is read, so one run reports
everything an editor has to fix (see :mod:`generator.syntax`).

Values are read as YAML 1.2 reads them, which is also how editors' schema checkers read
them: ``yes`` and ``no`` are text, numbers are numbers, dates stay text until the content
model reads them as dates.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.comments import comment_after, cut_by_comment
from generator.document import Document, KeyPath, Position, format_key_path
from generator.encoding import decode_text
from generator.errors import ContentError
from generator.lint import lint_text
from generator.nesting import MAX_NESTING, nesting_problem, too_deep
from generator.quoting import char_name, visible
from generator.syntax import LineIndex, explain_syntax_error, top_level_key

MAX_SYNTAX_PROBLEMS = 12
"""Syntax problems reported per file before giving up on the rest of it."""


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it: over ten times faster on thousands of files."""


_STR_TAG = "tag:yaml.org,2002:str"


_NUMBER_STARTS = frozenset("0123456789+-.")
"""How a plain scalar PyYAML reads as text may start when YAML 1.2 reads it as a number."""


_IMPLICIT_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "merge", "value")
}
"""Tags PyYAML gives plain scalars by itself (YAML 1.1); their values are resolved again."""


PLAIN_NULLS = {"", "~", "null", "Null", "NULL"}


PLAIN_BOOLS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}


PLAIN_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")


PLAIN_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def parse_document(
    raw: bytes, *, path: str, content_path: str
) -> tuple[Document | None, list[ContentError]]:
    """Parse one file's bytes; return what could be read and every problem, in Chinese.

    The document is ``None`` only when the file is not text at all; with other
    problems it is marked ``broken`` and holds what could be read around them.
    """
    text, problems = decode_text(raw, path=path)
    if text is None:
        return None, problems
    linted = lint_text(text, path=path)
    problems += linted.problems
    node, syntax_problems, set_aside = _compose(
        linted.text, path=path, explained={p.line for p in linted.problems}
    )
    problems += syntax_problems
    document = Document(
        path=path, content_path=content_path, data=None, digest=hashlib.sha1(raw).hexdigest()
    )
    if node is not None:
        builder = _Builder(document, linted.text)
        document.data = builder.build(node, (), depth=0)
        problems += builder.problems
    index = LineIndex(linted.text) if set_aside else None
    for line in set_aside:
        key = top_level_key(index, line)  # type: ignore[arg-type]  # set when lines were set aside
        if key:
            document.unreadable.add((key,))
    document.broken = any(p.severity == "error" for p in problems)
    return document, problems


def _compose(
    text: str, *, path: str, explained: set[int]
) -> tuple[Node | None, list[ContentError], set[int]]:
    """The node tree of ``text``, setting aside lines the parser cannot read, one at a time.

    Lines in ``explained`` are already reported: the parser's complaint about them would
    only repeat the cause in vaguer words.
    """
    try:
        return yaml.compose(text, Loader=_FAST_LOADER), [], set()
    except yaml.YAMLError:
        pass
    # The parsers below would take minutes over text nested thousands of levels deep.
    deep = too_deep(text)
    if deep is not None:
        key = top_level_key(LineIndex(text), deep[0]) or ""
        return None, [nesting_problem(path, deep, key=key)], set()
    index = LineIndex(text)
    problems: list[ContentError] = []
    set_aside: set[int] = set()
    current = text
    for _ in range(MAX_SYNTAX_PROBLEMS):
        try:
            # The pure-Python parser words and places errors most clearly; libyaml
            # speaks up where Python would recurse too deep.
            return yaml.compose(current, Loader=yaml.SafeLoader), problems, set_aside
        except RecursionError:
            failure = _libyaml_error(current)
        except yaml.YAMLError as error:
            failure = error
        if failure is None:
            break
        syntax = explain_syntax_error(failure, index, path=path)
        if syntax.error not in problems and syntax.error.line not in explained:
            problems.append(syntax.error)
        fresh = set(syntax.set_aside) - set_aside
        if not fresh:
            break
        set_aside |= fresh
        current = _blank_lines(current, fresh)
    return None, problems, set_aside


def _libyaml_error(text: str) -> yaml.YAMLError | None:
    try:
        yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError as error:
        return error
    return None


def _blank_lines(text: str, numbers: set[int]) -> str:
    """``text`` with the given lines turned to spaces: every other position stays the same."""
    lines = text.split("\n")
    for number in numbers:
        if 0 < number <= len(lines):
            lines[number - 1] = " " * len(lines[number - 1])
    return "\n".join(lines)


class _Builder:
    """Turns a composed YAML node tree into plain data while recording positions.

    Plain scalars are resolved as YAML 1.2 does (``yes`` stays text, ``0123`` is a
    number); how numbers and yes/no were written is kept for messages. Anchors and
    aliases are refused: content never needs them, and a few lines of nested
    aliases could expand into gigabytes.
    """

    def __init__(self, document: Document, text: str) -> None:
        self.document = document
        self.text = text
        self.problems: list[ContentError] = []
        self.seen: set[int] = set()
        self.alias_reported = False
        self.has_comments = " #" in text

    def build(self, node: Node, key_path: KeyPath, *, depth: int) -> Any:
        position = _start(node)
        self.document.positions[key_path] = position
        if id(node) in self.seen:
            self._alias(key_path)
            return None
        self.seen.add(id(node))
        if depth >= MAX_NESTING and isinstance(node, (MappingNode, SequenceNode)):
            self.problems.append(
                nesting_problem(self.document.path, position, key=format_key_path(key_path[:1]))
            )
            self.document.unreadable.add(key_path[:1])
            return None
        if isinstance(node, MappingNode):
            return self._build_mapping(node, key_path, depth=depth)
        if isinstance(node, SequenceNode):
            return [
                self.build(item, (*key_path, i), depth=depth + 1)
                for i, item in enumerate(node.value)
            ]
        if isinstance(node, ScalarNode):
            return self._scalar(node, key_path)
        return None

    def _alias(self, key_path: KeyPath) -> None:
        # libyaml hands back the anchored node itself; the alias's own place is in the tokens.
        if self.alias_reported:
            return
        self.alias_reported = True
        position = self.document.position(key_path)
        for token in yaml.scan(self.text, Loader=_FAST_LOADER):
            if isinstance(token, yaml.AliasToken):
                position = _start(token)
                break
        self._fail(
            position,
            key_path,
            "使用了别名（*）；内容文件不支持锚点（&）和别名（*）。",
            "请把要重复的内容直接写出来。",
        )

    def _scalar(self, node: ScalarNode, key_path: KeyPath) -> Any:
        value = node.value
        if node.tag not in _IMPLICIT_TAGS:
            self._fail(
                _start(node),
                key_path,
                f"不支持“{visible(node.tag.replace('tag:yaml.org,2002:', '!!'))}”这类标记。",
                "请删除值前面以“!”开头的标记；如果值本身以“!”开头，请给整个值加上引号。",
            )
            return None
        if node.style:  # quoted or a block (plain is None in Python, "" in libyaml): text
            if node.style == '"' and _SURROGATE.search(value):  # only escapes make these
                self._fail(
                    _start(node),
                    key_path,
                    f"引号里的“\\u”转义写出了一个无效的字符（{char_name(_SURROGATE.findall(value)[0])}）。",
                    "请删除这个转义，直接写出要用的文字。",
                )
                return None
            return value
        if node.tag == _STR_TAG and value[:1] not in _NUMBER_STARTS:
            resolved: Any = value  # nearly every value: text YAML 1.2 reads as text too
        else:
            resolved = resolve_plain(value)
            if resolved is not value:
                self.document.written[key_path] = value
        if self.has_comments:
            self._comment_cut(node, key_path, resolved)
        return resolved

    def _comment_cut(self, node: ScalarNode, key_path: KeyPath, resolved: Any) -> None:
        """Text cut short by a comment is refused (it would be published cut); a value that
        is all comment is empty, and the model's message about that says why."""
        comment = comment_after(self.text, node.end_mark.index)
        if comment is None:
            return
        if resolved is None:
            self.document.written[key_path] = comment.group(1)
            return
        key, name = format_key_path(key_path), key_path[-1] if key_path else ""
        severity = "error" if isinstance(resolved, str) else "warning"
        path = self.document.path
        self.problems.append(
            cut_by_comment(node, comment, path=path, key=key, name=name, severity=severity)
        )

    def _fail(self, position: Position, key_path: KeyPath, message: str, hint: str) -> None:
        self.problems.append(
            ContentError(self.document.path, *position, format_key_path(key_path), message, hint)
        )
        self.document.unreadable.add(key_path)

    def _build_mapping(self, node: MappingNode, key_path: KeyPath, *, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == "<<" and not key_node.style:
                self._fail(
                    _start(key_node),
                    key_path,
                    "不支持“<<”合并写法。",
                    "请把要合并的字段直接写出来。",
                )
                continue
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
            if key in result:
                self._fail(
                    _start(key_node),
                    (*key_path, key),
                    f"字段“{visible(key)}”重复出现。",
                    "同一层级中每个字段只能写一次，请删除或合并重复的字段。",
                )
                continue
            result[key] = self.build(value_node, (*key_path, key), depth=depth + 1)
            if value_node.start_mark.line != key_node.start_mark.line:
                self.document.key_positions[(*key_path, key)] = _start(key_node)
        return result


def resolve_plain(value: str) -> Any:
    """A plain scalar's value under YAML 1.2's core schema (``value`` itself when it is text)."""
    if value in PLAIN_NULLS:
        return None
    if value in PLAIN_BOOLS:
        return PLAIN_BOOLS[value]
    if PLAIN_INT.fullmatch(value):
        if value.startswith(("0o", "0x")):
            return int(value[2:], 8 if value[1] == "o" else 16)
        return int(value)
    if PLAIN_FLOAT.fullmatch(value):
        return float(value.lower().replace(".inf", "inf").replace(".nan", "nan"))
    return value


def _start(item: Node | yaml.Token) -> Position:
    """1-based line and column where ``item`` starts."""
    return item.start_mark.line + 1, item.start_mark.column + 1
