"""Stage 1: read the YAML files under ``content/`` and remember where every value sits.

Each file becomes a :class:`Document` holding plain Python data plus a map from
key paths to source positions, so later stages can name the exact line of a
problem. Files that cannot be read or parsed become :class:`ContentError` s;
loading never stops at the first bad file.
"""

from __future__ import annotations

import hashlib
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
        document, problems = parse_document(
            path.read_bytes(), path=shown, content_path=content_path
        )
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
    document.data = builder.build(node, ())
    return (None, builder.errors) if builder.errors else (document, [])


def _syntax_error(text: str, *, path: str) -> ContentError:
    """Describe a YAML syntax error; the pure-Python parser words and places it most clearly."""
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return ContentError(
            path,
            line,
            column,
            "",
            f"YAML 语法错误：{_describe_yaml_problem(problem.problem or '')}",
            _yaml_hint(text, line),
        )
    except yaml.YAMLError as problem:
        return ContentError(path, 1, 1, "", f"YAML 语法错误：{problem}", "请检查文件格式。")
    return ContentError(path, 1, 1, "", "YAML 语法错误：无法解析", "请检查文件格式。")


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
            line = raw[: problem.start].count(b"\n") + 1
            guess = _guess_encoding(raw)
            found = f"看起来是 {guess} 编码" if guess else "编码无法识别"
            return None, [
                ContentError(
                    path, line, 1, "", f"文件不是 UTF-8 编码（{found}），无法读取。", _RESAVE_HINT
                )
            ]
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
    """Turns a composed YAML node tree into plain data while recording positions."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.errors: list[ContentError] = []
        self.constructor = SafeConstructor()

    def build(self, node: Node, key_path: KeyPath) -> Any:
        self.document.positions[key_path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, MappingNode):
            return self._build_mapping(node, key_path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*key_path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode):
            if node.tag == _STR_TAG:  # nearly every value: no conversion needed
                return node.value
            return self.constructor.construct_object(node, deep=True)
        return None

    def _build_mapping(self, node: MappingNode, key_path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.constructor.construct_object(key_node, deep=True)
            key = str(key)
            if key in result:
                self.errors.append(
                    ContentError(
                        self.document.path,
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        format_key_path((*key_path, key)),
                        f"字段“{key}”重复出现。",
                        "同一层级中每个字段只能写一次，请删除或合并重复的字段。",
                    )
                )
                continue
            result[key] = self.build(value_node, (*key_path, key))
        return result


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
    "found unexpected end of stream": "文件意外结束，可能缺少右引号",
    "found unexpected ':'": "出现了多余的冒号",
    "did not find expected key": "缩进不一致，找不到应有的字段名",
    "did not find expected '-' indicator": "列表项缩进不一致，找不到应有的“- ”",
    "expected <block end>, but found '-'": "列表项“- ”的缩进与上一行不一致",
    "expected <block end>, but found '<block sequence start>'": "列表项“- ”的缩进与同级内容不一致",
    "expected <block end>, but found": "这一行的缩进与同级字段不一致",
    "expected a comment or a line break": "值后面多出了内容，常见原因是引号没有成对",
    "while scanning a quoted scalar": "引号没有成对",
}


def _describe_yaml_problem(problem: str) -> str:
    for english, chinese in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return chinese
    return problem or "无法解析"


def _yaml_hint(text: str, line: int) -> str:
    lines = text.splitlines()
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    return (
        f"请检查第 {line} 行：{shown.strip()!r}"
        if shown.strip()
        else f"请检查第 {line} 行附近的缩进和引号。"
    )
