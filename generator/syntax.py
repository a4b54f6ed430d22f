"""YAML as editors write it: the mistakes the parser misreads or words badly, told in Chinese.

Two passes sit around the YAML parser:

- :func:`~generator.lint.lint_text` finds what editors paste or type that YAML misreads without a
  clear complaint: tabs, invisible line separators, non-breaking or full-width spaces
  used as indentation or after a colon, a dash look-alike used as a list marker. Each
  is reported at its own line and neutralised character for character, so every
  position stays true and the parser can go on to find the rest.
- :func:`explain_syntax_error` rewords a parser error and names the lines to set aside,
  so that the loader can parse the remainder and report the file's other problems in
  the same run instead of one per round.

Lines count only "\\n" as a line break, as editors' editors do (YAML also breaks
lines at U+0085, U+2028 and U+2029, which would shift every later line number).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import yaml

from generator.errors import ContentError
from generator.lint import (
    BLOCK_INDICATOR,
    NO_SPACE_KEY,
    WIDE_COLON_KEY,
    in_block_scalar,
    indentation,
)
from generator.quoting import visible

Position = tuple[int, int]


_KEY_LINE = re.compile(r"^( *)(?:- +)*([A-Za-z_][\w-]*)\s*:(?:\s|$)")


class LineIndex:
    """Line and column of character offsets, counting only "\\n" as a line break."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        if len(self.lines) > 1 and self.lines[-1] == "":
            self.lines.pop()  # the final newline ends the last line; it starts none
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def position(self, offset: int) -> Position:
        """1-based (line, column) of ``offset``; past the end means the end of the last line."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset)
        column = offset - self.starts[line - 1] + 1
        return line, min(column, len(self.lines[line - 1]) + 1)

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""


# --- parser errors ---------------------------------------------------------------------


@dataclass(frozen=True)
class SyntaxProblem:
    """A parser error in editors' terms, and the lines to set aside to read on."""

    error: ContentError
    set_aside: tuple[int, ...]


_OPENED_AT = {
    "while scanning a quoted scalar",
    "while scanning a double-quoted scalar",
    "while parsing a quoted scalar",
    "while parsing a flow sequence",
    "while parsing a flow mapping",
}
"""Errors found far from their cause: they are placed where the quote or bracket opens."""

_PROBLEMS = (
    (
        "mapping values are not allowed",
        "此处不能出现“键: 值”，常见原因是值里含有英文冒号却没有加引号，或缩进不对",
    ),
    ("could not find expected ':'", "找不到应有的英文冒号“:”"),
    ("found character '\\t'", "含有制表符（Tab），YAML 只允许用空格缩进"),
    ("found a tab character", "含有制表符（Tab），YAML 只允许用空格缩进"),
    ("found undefined alias", "使用了未定义的别名（*）"),
    ("found duplicate anchor", "同一个锚点（&）定义了两次；内容文件不支持锚点和别名"),
    ("found unexpected end of stream", "从这里开始的引号直到文件末尾都没有结束，可能缺少右引号"),
    ("found unexpected ':'", "出现了多余的冒号"),
    ("did not find expected key", "缩进不一致，找不到应有的字段名"),
    ("did not find expected '-' indicator", "列表项缩进不一致，找不到应有的“- ”"),
    ("expected <block end>, but found '-'", "列表项“- ”的缩进与上一行不一致"),
    (
        "expected <block end>, but found '<block sequence start>'",
        "列表项“- ”的缩进与同级内容不一致",
    ),
    ("expected <block end>", "这一行的缩进与同级字段不一致"),
    ("block sequence entries are not allowed", "此处不能开始列表项“- ”，请检查缩进"),
    ("expected a comment or a line break", "值后面多出了内容，常见原因是引号没有成对"),
    ("while scanning a quoted scalar", "引号没有成对"),
    ("expected ',' or ']'", "方括号“[ ]”里的列表没有正确结束，缺少逗号或右方括号“]”"),
    ("did not find expected ',' or ']'", "方括号“[ ]”里的列表没有正确结束，缺少逗号或右方括号“]”"),
    ("expected ',' or '}'", "花括号“{ }”里的内容没有正确结束，缺少逗号或右花括号“}”"),
    ("did not find expected ',' or '}'", "花括号“{ }”里的内容没有正确结束，缺少逗号或右花括号“}”"),
    (
        "expected alphabetic or numeric character",
        "以“*”或“&”开头的值会被当作别名或锚点，请给整个值加上引号",
    ),
    (
        "did not find expected alphabetic or numeric character",
        "以“*”或“&”开头的值会被当作别名或锚点，请给整个值加上引号",
    ),
    ("but found another document", "文件里出现了第二个“---”，一个文件只能写一个条目"),
    ("found unexpected document separator", "文件里出现了第二个“---”，一个文件只能写一个条目"),
    (
        "expected the node content, but found '<stream end>'",
        "文件在值写完之前就结束了，可能缺少右括号或右引号",
    ),
    ("expected the node content", "这里应当写一个值"),
    ("did not find expected node content", "这里应当写一个值"),
    ("expected '<document start>'", "文件开头不是“字段: 值”的形式，或者这一行的缩进与上面不一致"),
    (
        "did not find expected <document start>",
        "文件开头不是“字段: 值”的形式，或者这一行的缩进与上面不一致",
    ),
    (
        "found unknown escape character",
        "双引号里的反斜杠“\\”后面跟了无法识别的字符；要写反斜杠本身请写成“\\\\”，或改用单引号",
    ),
    ("found invalid Unicode character escape code", "双引号里的“\\u”转义不是有效的字符"),
    ("expected escape sequence", "双引号里的“\\x”“\\u”转义后面的十六进制数字不完整"),
    ("exceeded maximum nesting depth", "内容嵌套的层数过多"),
    ("mapping keys are not allowed", "此处不能出现字段名，请检查缩进"),
    (
        "found undefined tag handle",
        "值前面有无法识别的“!”标记；如果值本身以“!”开头，请给整个值加上引号",
    ),
    ("expected chomping or indentation indicators", "“|”或“>”后面只能写“-”“+”或数字"),
    ("expected indentation indicator", "“|”或“>”后面的缩进数字只能是 1 到 9"),
    ("found incompatible YAML document", "文件开头的“%YAML”声明不受支持，请删除这一行"),
    ("found duplicate YAML directive", "文件开头的“%YAML”声明重复，请删除"),
    ("while scanning a directive", "以“%”开头的行会被当作 YAML 指令，请删除或给整个值加上引号"),
    ("while scanning a tag", "值前面有无法识别的“!”标记；如果值本身以“!”开头，请给整个值加上引号"),
    ("control characters are not allowed", "含有不可见的控制字符"),
)
_CANNOT_START = re.compile(r"^found character '(.+)' that cannot start any token")


def describe_problem(problem: str) -> str:
    """The parser's English ``problem`` in Chinese; never the English itself."""
    for english, chinese in _PROBLEMS:
        if problem.startswith(english):
            return chinese
    if found := _CANNOT_START.match(problem):
        return f"值不能直接以“{found[1]}”开头，请给整个值加上引号"
    return "这里的写法无法识别"


def explain_syntax_error(failure: yaml.YAMLError, index: LineIndex, *, path: str) -> SyntaxProblem:
    """The Chinese message for ``failure`` at the line an editor must look at."""
    if isinstance(failure, yaml.reader.ReaderError):
        line, column = index.position(failure.position)
        error = ContentError(
            path,
            line,
            column,
            "",
            f"这一行含有不可见的控制字符（U+{failure.character:04X}）。",
            "请删除这个字符；它常随从网页、Word 或 PDF 复制来的文字混入。",
        )
        return SyntaxProblem(error, (line,))
    if not isinstance(failure, yaml.MarkedYAMLError):
        return SyntaxProblem(
            ContentError(path, 1, 1, "", "YAML 语法错误：这里的写法无法识别", ""), ()
        )
    problem = failure.problem or ""
    context = failure.context or ""
    mark = failure.problem_mark or failure.context_mark
    if context in _OPENED_AT and failure.context_mark is not None:
        mark = failure.context_mark
    line, column = index.position(mark.index) if mark is not None else (1, 1)
    opened = _unclosed_quote_above(index, line, path=path)
    if opened is not None:
        return opened
    if problem.startswith("mapping values are not allowed"):
        # "key:value" above made the parser read the next fields as that text's own.
        above = next((n for n in range(line - 1, 0, -1) if index.line(n).strip()), None)
        stray = _stray_text_above(index, line, path=path) or (
            _simple_key_problem(index, above, path=path) if above is not None else None
        )
        if stray is not None:
            return stray
    if context == "while scanning a simple key" and failure.context_mark is not None:
        # The parser read on from a line of text, taking it for a field name: that line
        # is the one to look at, not the line where it gave up.
        culprit = index.position(failure.context_mark.index)[0]
        special = _simple_key_problem(index, culprit, path=path) or _stray_text_above(
            index, culprit + 1, path=path
        )
        if special is not None:
            return special
    if context in {"while parsing a flow sequence", "while parsing a flow mapping"}:
        cut = _comment_in_brackets(index, line, path=path)
        if cut is not None:
            return cut
    from generator.indentation import indent_advice  # it reads lines with LineIndex above

    message = f"YAML 语法错误：{describe_problem(problem or context)}"
    shown = index.line(line).strip()
    hint = indent_advice(index, line) or (
        f"请检查第 {line} 行：“{visible(shown, limit=60)}”"
        if shown
        else f"请检查第 {line} 行附近的缩进和引号。"
    )
    return SyntaxProblem(
        ContentError(path, line, column, "", message, hint), _with_block(index, line)
    )


def _comment_in_brackets(index: LineIndex, line: int, *, path: str) -> SyntaxProblem | None:
    """A " #" inside "[ ]" or "{ }" on ``line``: YAML takes the rest of the line for a comment,
    so the brackets never close."""
    text = index.line(line)
    opened = min((at for at in (text.find("["), text.find("{")) if at >= 0), default=-1)
    hash_at = text.find(" #", opened) if opened >= 0 else -1
    if hash_at < 0:
        return None
    return SyntaxProblem(
        ContentError(
            path,
            line,
            hash_at + 2,
            "",
            "YAML 语法错误：方括号或花括号里的“#”和它后面的文字被当作注释，括号因此没有结束。",
            '如果“#”是内容的一部分，请给含“#”的那一项加上英文双引号，例如 [学习日, "第 #1 期"]。',
        ),
        _with_block(index, line),
    )


def _with_block(index: LineIndex, line: int) -> tuple[int, ...]:
    """``line`` and the lines below it that are more indented: what it holds goes with it."""
    depth = indentation(index.line(line))
    last = line
    for number in range(line + 1, len(index.lines) + 1):
        text = index.line(number)
        if text.strip() and indentation(text) <= depth:
            break
        if text.strip():
            last = number
    return tuple(range(line, last + 1))


_OPENING_QUOTE = re.compile(r"""^ *(?:- +)*(?:[A-Za-z_][\w-]*\s*:\s+)?(["'])""")


def _unclosed_quote_above(index: LineIndex, line: int, *, path: str) -> SyntaxProblem | None:
    """A value opening a quote it does not close on its own line, at or above ``line``.

    YAML lets a quoted value run on over several lines, so a forgotten closing
    quote only shows where the next quote character happens to be, often far
    below; editors write quoted values on one line, so the opening line is the
    one to fix.
    """
    for number in range(line, 0, -1):
        text = index.line(number)
        opening = _OPENING_QUOTE.match(text)
        if opening is None:
            continue
        quote, rest = opening.group(1), text[opening.end() :]
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else "'" in rest.replace("''", "")
        if closed is None:
            return SyntaxProblem(
                ContentError(
                    path,
                    number,
                    opening.end(),
                    "",
                    f"YAML 语法错误：这一行的值以引号“{quote}”开头，但在这一行里没有结束。",
                    f"请在值的末尾补上另一个“{quote}”；如果值里本来就有引号，请改用中文引号“”。",
                ),
                (number,),
            )
        if number < line and indentation(text) == 0:
            return None  # a complete line at the top level: nothing above runs on into here
    return None


def _stray_text_above(index: LineIndex, line: int, *, path: str) -> SyntaxProblem | None:
    """A line of plain text where a field was expected, just above ``line``."""
    for number in range(line - 1, 0, -1):
        text = index.line(number)
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if (
            _KEY_LINE.match(text)
            or text.lstrip().startswith("-")
            or in_block_scalar(index.lines, number - 1)
        ):
            return None
        return SyntaxProblem(
            ContentError(
                path,
                number,
                indentation(text) + 1,
                "",
                "YAML 语法错误：这一行既不是“字段: 值”，也不是列表项“- ”。",
                "如果这是写给自己的说明，请在行首加上“# ”把它变成注释；"
                "如果它是上一个字段的内容，请把它缩进到那个字段下面。",
            ),
            (number,),
        )
    return None


def _simple_key_problem(index: LineIndex, line: int, *, path: str) -> SyntaxProblem | None:
    """A line YAML could not read as ``key: value``, when the reason is a typical slip."""
    text = index.line(line)
    wide = WIDE_COLON_KEY.match(text)
    if wide:
        key = wide.group(1)
        return SyntaxProblem(
            ContentError(
                path,
                line,
                text.index("：") + 1,
                "",
                f"YAML 语法错误：字段名“{key}”后面用了中文冒号“：”。",
                f"请把“{visible(wide.group().lstrip(' -'))}”改成“{key}: ”（英文冒号再加一个空格）。",
            ),
            _with_block(index, line),
        )
    missing_space = NO_SPACE_KEY.match(text)
    if missing_space:
        key = missing_space.group(1)
        return SyntaxProblem(
            ContentError(
                path,
                line,
                missing_space.end(),
                "",
                f"YAML 语法错误：字段名“{key}”的冒号后面缺少空格。",
                f"请在冒号后面加一个英文空格，写成“{key}: {visible(text[missing_space.end() :].strip(), limit=20)}”。",
            ),
            _with_block(index, line),
        )
    owner = _unindented_block_owner(index, line)
    if owner is not None:
        key_line, key = owner
        stop = line
        while stop + 1 <= len(index.lines) and not _ends_block(
            index.line(stop + 1), key_line, index
        ):
            stop += 1
        return SyntaxProblem(
            ContentError(
                path,
                line,
                1,
                "",
                f"YAML 语法错误：“{key}: |”下面的正文没有缩进。",
                f"正文的每一行都要比“{key}”多缩进两个空格；"
                + (
                    f"请在第 {line} 行的开头加两个空格。"
                    if stop == line
                    else f"请在第 {line} 行到第 {stop} 行的开头各加两个空格。"
                ),
            ),
            tuple(range(line, stop + 1)),
        )
    return None


def _unindented_block_owner(index: LineIndex, line: int) -> tuple[int, str] | None:
    """The ``key: |`` line above ``line`` whose text was not indented, if that is the case:
    ``line`` comes right after the indicator, or after the block's indented text (a later
    paragraph or line of it left unindented)."""
    depth = indentation(index.line(line))
    for number in range(line - 1, 0, -1):
        above = index.line(number)
        if not above.strip():
            continue
        key = _KEY_LINE.match(above)
        if key and indentation(above) >= depth and BLOCK_INDICATOR.search(above):
            return number, key.group(2)
        if indentation(above) > depth and in_block_scalar(index.lines, number - 1):
            continue  # the block's own text, indented as it should be
        return None
    return None


def _ends_block(text: str, key_line: int, index: LineIndex) -> bool:
    """Whether ``text`` is the next field after an unindented block (where to read on)."""
    key = _KEY_LINE.match(text)
    return bool(key) and indentation(text) <= indentation(index.line(key_line))


def top_level_key(index: LineIndex, line: int) -> str | None:
    """The top-level field that ``line`` belongs to, as far as the text shows."""
    for number in range(line, 0, -1):
        text = index.line(number)
        if text.strip() and indentation(text) == 0:
            key = re.match(r"^(?:- +)?([A-Za-z_][\w-]*)\s*[:：]", text)
            if key:
                return key.group(1)
    return None
