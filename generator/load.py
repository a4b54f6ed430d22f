"""Stage 1: read the YAML files under ``content/`` and remember where every value sits.

Each file becomes a :class:`Document` holding plain Python data plus a map from
key paths to source positions, so later stages can name the exact line of a
problem. Files that cannot be read or parsed become :class:`ContentError` s;
loading never stops at the first bad file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import ContentError
from generator.write import map_in_workers

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]

TAXONOMY_FILE = "taxonomy.yml"

_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]{0,17})$")
"""Whole numbers as people write them; YAML 1.1 would also read 0123, 1_000 or 20:30."""
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it: over ten times faster on thousands of files."""


@dataclass
class ContentCache:
    """What earlier loads worked out, reused for files that have not changed.

    The preview keeps one between edits, so saving one file re-reads one file.
    """

    parsed: dict[Path, tuple[tuple[int, int], Document | None, list[ContentError]]] = field(
        default_factory=dict
    )
    """By file: its (modification time, size) when read, and what reading it gave."""


@dataclass
class Document:
    """One parsed YAML file."""

    path: str
    """Repository-relative path, used in every message about this file."""
    content_path: str
    """Path relative to the content folder, such as ``cases/wangcun-community.yml``."""
    data: Any
    """The parsed value: plain dicts, lists and scalars."""
    positions: dict[KeyPath, Position] = field(default_factory=dict)
    """1-based (line, column) of each value, keyed by its path from the document root."""
    digest: str = ""
    """Checksum of the file's bytes: the same digest means the same document."""
    prepared: Any = None
    """What a later stage worked out from this document alone, while it was being read."""

    def position(self, key_path: KeyPath) -> Position:
        """Position of ``key_path``, or of its nearest ancestor that exists in the file."""
        for end in range(len(key_path), -1, -1):
            found = self.positions.get(tuple(key_path[:end]))
            if found:
                return found
        return (1, 1)


def display_path(path: Path, root: Path) -> str:
    """Path as editors see it in the repository: relative to ``root``, forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_documents(
    content_dir: Path,
    *,
    root: Path,
    workers: int = 1,
    cache: ContentCache | None = None,
    prepare: Callable[[Document], None] | None = None,
) -> tuple[list[Document], list[ContentError]]:
    """Parse every ``.yml``/``.yaml`` file under ``content_dir``; collect all failures.

    With several ``workers``, files are parsed in parallel; the result is the same.
    With a ``cache``, files unchanged since the last call are not parsed again.
    ``prepare`` runs on each parsed document right where it was parsed, so work
    that needs one document only is parallel too, and it may slim the document
    down before it travels back (thousands of full documents take much memory).
    """
    paths = sorted(
        p for p in content_dir.rglob("*") if p.suffix in {".yml", ".yaml"} and p.is_file()
    )
    shown_dir = display_path(content_dir, root)
    results: dict[Path, tuple[Document | None, list[ContentError]]] = {}
    stamps: dict[Path, tuple[int, int]] = {}
    jobs = []
    for path in paths:
        status = path.stat()
        stamps[path] = (status.st_mtime_ns, status.st_size)
        known = cache.parsed.get(path) if cache else None
        if known and known[0] == stamps[path]:
            results[path] = (known[1], known[2])
            continue
        content_path = path.relative_to(content_dir).as_posix()
        shown = f"{shown_dir}/{content_path}" if shown_dir != "." else content_path
        jobs.append((path, shown, content_path))

    def read_one(job: tuple[Path, str, str]) -> tuple[Document | None, list[ContentError]]:
        path, shown, content_path = job
        try:
            raw = path.read_bytes()
        except OSError as failure:
            return None, [_unreadable(shown, failure)]
        document, problems = parse_document(raw, path=shown, content_path=content_path)
        if document is not None and prepare is not None:
            prepare(document)
        return document, problems

    for job, result in zip(jobs, map_in_workers(read_one, jobs, workers=workers), strict=True):
        results[job[0]] = result
    if cache is not None:
        cache.parsed = {path: (stamps[path], *results[path]) for path in paths}
    documents: list[Document] = []
    errors: list[ContentError] = []
    for path in paths:
        document, problems = results[path]
        errors.extend(problems)
        if document is not None:
            documents.append(document)
    return documents, errors


def parse_document(
    raw: bytes, *, path: str, content_path: str
) -> tuple[Document | None, list[ContentError]]:
    """Parse one file's bytes; on failure return no document and Chinese messages."""
    text, problems = _decode(raw, path=path)
    if text is None or problems:
        return None, problems
    try:
        node = yaml.compose(text, Loader=_FAST_LOADER)
    except RecursionError:
        return None, [_too_deep(path)]
    except yaml.YAMLError:
        node = None
        failed = True
    else:
        failed = False
    if failed:
        return None, [_syntax_error(text, path=path)]
    document = Document(
        path=path, content_path=content_path, data=None, digest=hashlib.sha1(raw).hexdigest()
    )
    if node is None:
        return document, []
    builder = _Builder(document)
    try:
        document.data = builder.build(node, ())
    except RecursionError:
        return None, [_too_deep(path)]
    return (None, builder.errors) if builder.errors else (document, [])


def _syntax_error(text: str, *, path: str) -> ContentError:
    """Describe a YAML syntax error; the pure-Python parser words and places it most clearly."""
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as problem:
        line, column = _line_column(text, problem.position)
        return ContentError(
            path,
            line,
            column,
            "",
            f"这一行含有不可见的控制字符（U+{problem.character:04X}）。",
            "请删除这个字符；它常随从网页、Word 或 PDF 复制来的文字混入。",
        )
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        if problem.context in _OPENED_AT and problem.context_mark:
            mark = problem.context_mark  # where the unclosed quote or bracket opens
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        wide = _full_width_colon(text, line)
        if wide:
            return ContentError(
                path,
                wide,
                text.splitlines()[wide - 1].index("：") + 1,
                "",
                "YAML 语法错误：字段名后面用了中文冒号“：”。",
                "请改成英文冒号再加一个空格，例如“unit: 某某社区党委”。",
            )
        return ContentError(
            path,
            line,
            column,
            "",
            f"YAML 语法错误：{_describe_yaml_problem(problem.problem or '')}",
            _yaml_hint(text, line),
        )
    except RecursionError:
        return _too_deep(path)
    except yaml.YAMLError as problem:
        return ContentError(path, 1, 1, "", f"YAML 语法错误：{problem}", "请检查文件格式。")
    return ContentError(path, 1, 1, "", "YAML 语法错误：无法解析", "请检查文件格式。")


_OPENED_AT = {
    "while scanning a quoted scalar",
    "while parsing a flow sequence",
    "while parsing a flow mapping",
}
"""Errors found far from their cause: they are placed where the quote or bracket opens."""
_WIDE_COLON_KEY = re.compile(r"^\s*(?:- )?[A-Za-z_][A-Za-z0-9_]*\s*：")


def _full_width_colon(text: str, line: int) -> int:
    """The line (at or just above ``line``) whose field name ends in "：", or 0."""
    lines = text.splitlines()
    for number in range(min(line, len(lines)), max(line - 3, 0), -1):
        if _WIDE_COLON_KEY.match(lines[number - 1]):
            return number
    return 0


def _line_column(text: str, offset: int) -> Position:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _too_deep(path: str) -> ContentError:
    return ContentError(
        path,
        1,
        1,
        "",
        "内容嵌套的层数过多，无法读取。",
        "条目只需要几层缩进；请检查是否误写了大量括号或缩进。",
    )


_RESAVE_HINT = (
    "请用编辑器以“UTF-8”编码重新保存：VS Code 点击右下角的编码名称，选择“通过编码保存”→“UTF-8”；"
    "记事本“另存为”时编码选“UTF-8”。"
)
_LIKELY_ENCODINGS = (
    ("utf-16", "UTF-16"),
    ("gb18030", "GBK/GB18030"),
    ("big5", "Big5"),
)


def _decode(raw: bytes, *, path: str) -> tuple[str | None, list[ContentError]]:
    """Text of a content file, or messages saying why it is not clean UTF-8.

    A byte-order mark and tab characters are reported here: YAML would accept the
    first silently and choke on the second with a confusing message.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or not raw.startswith(b"\xef\xbb\xbf"):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as problem:
            return None, [_not_utf8(path, raw, problem)]
    else:
        return None, [
            ContentError(
                path,
                1,
                1,
                "",
                "文件开头有字节顺序标记（BOM）。",
                "请以“UTF-8”（不带 BOM）编码重新保存；VS Code 中选择“通过编码保存”→“UTF-8”。",
            )
        ]
    problems = [
        ContentError(
            path,
            number,
            line.index("\t") + 1,
            "",
            "这一行含有制表符（Tab），YAML 只能用空格缩进和对齐。",
            "请把 Tab 换成空格（缩进每级两个空格）；VS Code 可在右下角把“制表符”改为“空格”。",
        )
        for number, line in enumerate(text.splitlines(), start=1)
        if "\t" in line
    ]
    return text, problems


def check_text_file(path: Path, *, root: Path) -> list[ContentError]:
    """Problems of a plain text file editors keep beside the entries (it must be UTF-8)."""
    if not path.is_file():
        return []
    shown = display_path(path, root)
    try:
        raw = path.read_bytes()
        raw.decode("utf-8")
    except OSError as failure:
        return [_unreadable(shown, failure)]
    except UnicodeDecodeError as problem:
        return [_not_utf8(shown, raw, problem)]
    return []


def _unreadable(path: str, failure: OSError) -> ContentError:
    reason = failure.strerror or str(failure)
    return ContentError(
        path,
        1,
        1,
        "",
        f"无法读取这个文件（{reason}）。",
        "请检查文件的读取权限，或确认它没有被其他程序锁定。",
    )


def _not_utf8(path: str, raw: bytes, problem: UnicodeDecodeError) -> ContentError:
    line = raw[: problem.start].count(b"\n") + 1
    guess = _guess_encoding(raw)
    found = f"看起来是 {guess} 编码" if guess else "编码无法识别"
    return ContentError(
        path, line, 1, "", f"文件不是 UTF-8 编码（{found}），无法读取。", _RESAVE_HINT
    )


def _guess_encoding(raw: bytes) -> str:
    for codec, name in _LIKELY_ENCODINGS:
        if codec == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return name
    return ""


class _Builder:
    """Turns a composed YAML node tree into plain data while recording positions.

    Values become what editors wrote: numbers only when written as plain whole
    numbers, so a title like ``0123`` or a period like ``2019.10`` keeps its text
    (YAML 1.1 would read them as 83 and 2019.1). Anchors and aliases are refused:
    content never needs them, and a few lines of nested aliases could expand
    into gigabytes.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        self.errors: list[ContentError] = []
        self.constructor = SafeConstructor()
        self.seen: set[int] = set()
        self.alias_reported = False

    def build(self, node: Node, key_path: KeyPath) -> Any:
        self.document.positions[key_path] = _start(node)
        if id(node) in self.seen:
            # An alias; libyaml places it at its anchor, so name the field holding it.
            if not self.alias_reported:
                self.alias_reported = True
                self._fail(
                    self.document.position(key_path[:-1]),
                    key_path,
                    "使用了别名（*）；内容文件不支持锚点（&）和别名（*）。",
                    "请把要重复的内容直接写出来。",
                )
            return None
        self.seen.add(id(node))
        if isinstance(node, MappingNode):
            return self._build_mapping(node, key_path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*key_path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode):
            return self._scalar(node, key_path)
        return None

    def _scalar(self, node: ScalarNode, key_path: KeyPath) -> Any:
        if node.tag == _STR_TAG:  # nearly every value: no conversion needed
            return node.value
        if node.tag == _INT_TAG:
            return int(node.value) if _PLAIN_INT.match(node.value) else node.value
        if node.tag in (_FLOAT_TAG, _MERGE_TAG):
            # As written: a number field still reads it as a number; "<<" as a value is text.
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            pass
        if node.tag == _TIMESTAMP_TAG:
            return node.value  # not a real date: the model says so where a date is wanted
        self._fail(
            _start(node),
            key_path,
            f"不支持“{node.tag.replace('tag:yaml.org,2002:', '!!')}”这类标记。",
            "请删除值前面以“!”开头的标记；如果值本身以“!”开头，请给整个值加上引号。",
        )
        return None

    def _fail(self, position: Position, key_path: KeyPath, message: str, hint: str) -> None:
        self.errors.append(
            ContentError(self.document.path, *position, format_key_path(key_path), message, hint)
        )

    def _build_mapping(self, node: MappingNode, key_path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
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
                    f"字段“{key}”重复出现。",
                    "同一层级中每个字段只能写一次，请删除或合并重复的字段。",
                )
                continue
            result[key] = self.build(value_node, (*key_path, key))
        return result


def _start(node: Node) -> Position:
    """1-based line and column where ``node`` starts."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def format_key_path(key_path: KeyPath) -> str:
    """Key path as editors read it: ``sections[2].title``."""
    text = ""
    for part in key_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


_YAML_PROBLEMS = {
    "mapping values are not allowed here": "此处不能出现“键: 值”，常见原因是值里含有英文冒号却没有加引号，或缩进不对",
    "could not find expected ':'": "找不到应有的英文冒号“:”",
    "found character '\\t' that cannot start any token": "含有制表符（Tab），YAML 只允许用空格缩进",
    "found undefined alias": "使用了未定义的别名（*）",
    "found unexpected end of stream": "从这里开始的引号直到文件末尾都没有结束，可能缺少右引号",
    "found unexpected ':'": "出现了多余的冒号",
    "did not find expected key": "缩进不一致，找不到应有的字段名",
    "did not find expected '-' indicator": "列表项缩进不一致，找不到应有的“- ”",
    "expected <block end>, but found '-'": "列表项“- ”的缩进与上一行不一致",
    "expected <block end>, but found '<block sequence start>'": "列表项“- ”的缩进与同级内容不一致",
    "expected <block end>, but found": "这一行的缩进与同级字段不一致",
    "expected a comment or a line break": "值后面多出了内容，常见原因是引号没有成对",
    "while scanning a quoted scalar": "引号没有成对",
    "expected ',' or ']'": "方括号“[ ]”里的列表没有正确结束，缺少逗号或右方括号“]”",
    "expected ',' or '}'": "花括号“{ }”里的内容没有正确结束，缺少逗号或右花括号“}”",
    "expected alphabetic or numeric character": (
        "以“*”或“&”开头的值会被当作别名或锚点，请给整个值加上引号"
    ),
    "but found another document": "文件里出现了第二个“---”，一个文件只能写一个条目",
    "expected the node content, but found '<stream end>'": (
        "文件在值写完之前就结束了，可能缺少右括号或右引号"
    ),
}


_CANNOT_START = re.compile(r"^found character '(.+)' that cannot start any token")


def _describe_yaml_problem(problem: str) -> str:
    for english, chinese in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return chinese
    if found := _CANNOT_START.match(problem):
        return f"值不能直接以“{found[1]}”开头，请给整个值加上引号"
    return problem or "无法解析"


def _yaml_hint(text: str, line: int) -> str:
    lines = text.splitlines()
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    return (
        f"请检查第 {line} 行：{shown.strip()!r}"
        if shown.strip()
        else f"请检查第 {line} 行附近的缩进和引号。"
    )
