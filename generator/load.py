"""Stage 1: read the YAML files under ``content/`` and remember where every value sits.

Each file becomes a :class:`Document` holding plain Python data plus a map from
key paths to source positions, so later stages can name the exact line of a
problem. Files that cannot be read or parsed become :class:`ContentError` s;
loading never stops at the first bad file, nor at the first problem of a file:
lines YAML cannot read are set aside and the rest is read, so one run reports
what an editor has to fix (see :mod:`generator.syntax`).

Values are read as YAML 1.2 reads them, which is also how editors' schema checkers
read them: ``yes`` and ``no`` are text, numbers are numbers, dates stay text until
the content model reads them as dates.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.comments import comment_after, cut_by_comment
from generator.content_files import (
    ENTRY_SUFFIXES,
    TAXONOMY_FILE,
    ContentFiles,
    find_content_files,
    shown_folder,
)
from generator.errors import ContentError
from generator.nesting import MAX_NESTING, nesting_problem, too_deep
from generator.syntax import (
    LineIndex,
    char_name,
    explain_syntax_error,
    lint_text,
    top_level_key,
    visible,
)
from generator.workers import map_in_workers

__all__ = ["TAXONOMY_FILE", "ContentCache", "Document", "parse_document", "read_documents"]

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]

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
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass
class ContentCache:
    """What earlier loads worked out, reused for files that have not changed.

    The preview keeps one between edits, so saving one file re-reads one file.
    """

    parsed: dict[Path, tuple[tuple[int, int], Any, list[ContentError]]] = field(
        default_factory=dict
    )
    """By file: its (modification time, size) when read, and what reading and preparing it
    gave."""
    key: Any = None
    """What else the cached values depend on (how documents were prepared): a load with
    another key starts afresh."""
    files: ContentFiles | None = None
    """The content folder as last walked."""
    resolved: dict[Path, Path] = field(default_factory=dict)
    """Its YAML files by resolved path, to recognise the files an edit names."""


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
    broken: bool = False
    """Reading found errors: ``data`` is only what could be read around them."""
    unreadable: set[KeyPath] = field(default_factory=set)
    """Fields that could not be read; checks say nothing more about them."""
    written: dict[KeyPath, str] = field(default_factory=dict)
    """How values that YAML reads as numbers or yes/no were written, and the comment that
    a value of nothing but a comment was, for messages."""
    key_positions: dict[KeyPath, Position] = field(default_factory=dict)
    """Where a field's name stands, for the fields whose value starts on a later line (a
    message about the field itself, such as a misspelt name, points at its name)."""

    def position(self, key_path: KeyPath) -> Position:
        """Position of ``key_path``, or of its nearest ancestor that exists in the file."""
        for end in range(len(key_path), -1, -1):
            found = self.positions.get(tuple(key_path[:end]))
            if found:
                return found
        return (1, 1)

    def is_unreadable(self, key_path: KeyPath) -> bool:
        """Whether ``key_path`` lies in a field that could not be read."""
        return any(key_path[: len(gone)] == gone for gone in self.unreadable)


def display_path(path: Path, root: Path) -> str:
    """Path as editors see it in the repository: relative to ``root``, forward slashes."""
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def read_documents(
    content_dir: Path,
    *,
    root: Path,
    workers: int = 1,
    cache: ContentCache | None = None,
    cache_key: Any = None,
    changed: set[Path] | None = None,
    prepare: Callable[[Document], Any] | None = None,
) -> tuple[list[Any], list[ContentError]]:
    """Parse every YAML file under ``content_dir``; collect all failures.

    Files the model does not know, and links leaving the project, are reported
    (see :mod:`generator.content_files`) and never read.
    With several ``workers``, files are parsed in parallel; the result is the same.
    With a ``cache``, files unchanged since the last call are not parsed again; the
    cache holds only what was worked out with the same ``cache_key``. ``changed`` (the
    files an edit touched, resolved) lets a load that only modifies known files skip
    walking the folder and looking at every other file.
    ``prepare`` runs on each parsed document right where it was parsed, so work that
    needs one document only is parallel too; what it returns is what is returned (and
    cached) for the document, and may be much smaller than it (thousands of full
    documents take much memory).
    """
    if cache is not None and cache.key != cache_key:
        cache.parsed.clear()
        cache.files = None
        cache.key = cache_key
    patched = (
        _without_walk(cache, changed, content_dir, root)
        if cache is not None and changed is not None
        else None
    )
    if patched is not None:
        assert cache is not None and changed is not None
        found = cache.files = patched
        touched = {cache.resolved[path] for path in changed if path in cache.resolved}
    else:
        found = find_content_files(content_dir, root=root)
        touched = None
        if cache is not None:
            cache.files = found
            # Resolving ten thousand paths takes a while; joining the resolved folder does not.
            # (A file reached through a link inside the folder is then not recognised, which
            # only costs that edit a walk.)
            real = content_dir.resolve()
            cache.resolved = {real / relative: path for path, relative in found.yaml}
    shown_dir = display_path(content_dir, root)
    results: dict[Path, tuple[Any, list[ContentError]]] = {}
    stamps: dict[Path, tuple[int, int]] = {}
    jobs = []
    for path, content_path in found.yaml:
        known = cache.parsed.get(path) if cache else None
        if known and touched is not None and path not in touched:
            stamps[path] = known[0]  # an edit elsewhere: this file is as it was
            results[path] = (known[1], known[2])
            continue
        try:
            status = path.stat()
        except OSError as failure:
            results[path] = (None, [_unreadable(f"{shown_dir}/{content_path}", failure)])
            continue
        stamps[path] = (status.st_mtime_ns, status.st_size)
        if known and known[0] == stamps[path]:
            results[path] = (known[1], known[2])
            continue
        shown = f"{shown_dir}/{content_path}" if shown_dir != "." else content_path
        jobs.append((path, shown, content_path))

    read_one = functools.partial(_read_one, prepare=prepare)
    for job, result in zip(jobs, map_in_workers(read_one, jobs, workers=workers), strict=True):
        results[job[0]] = result
    if cache is not None:
        cache.parsed = {path: (stamps[path], *results[path]) for path in stamps}
    documents: list[Any] = []
    errors: list[ContentError] = list(found.problems)
    for path, _ in found.yaml:
        document, problems = results[path]
        errors.extend(problems)
        if document is not None:
            documents.append(document)
    if found.search_terms is not None:
        errors += check_text_file(
            found.search_terms, shown=f"{shown_dir}/{found.search_terms.name}"
        )
    return documents, errors


def _without_walk(
    cache: ContentCache, changed: set[Path], content_dir: Path, root: Path
) -> ContentFiles | None:
    """The content folder's files after an edit, from the last walk, when the edit only
    modified, created or deleted plain entry files in folders that hold entries: then a
    walk would find nothing new but those files. ``None`` when a walk is needed.

    Saving a new entry in a library of ten thousand looks at one file, not at every one.
    """
    if cache.files is None:
        return None
    real = content_dir.resolve()
    folders = {relative.rpartition("/")[0] for _, relative in cache.files.yaml}
    created: list[tuple[Path, str]] = []
    gone: list[Path] = []
    for path in changed:
        known = cache.resolved.get(path)
        if known is not None and path.is_file():
            continue  # modified
        if known is not None and not os.path.lexists(path):
            gone.append(path)
            continue
        if not path.is_relative_to(real):
            return None
        relative = path.relative_to(real).as_posix()
        if (
            known is None
            and relative.rpartition("/")[0] in folders
            and path.name.endswith(ENTRY_SUFFIXES)
            and not path.name.startswith(".")
            and not path.is_symlink()
            and path.is_file()
        ):
            created.append((content_dir / relative, relative))
            continue
        return None  # anything else (a folder, a link, another kind of file): walk
    if not created and not gone:
        return cache.files
    deleted = {cache.resolved.pop(path).relative_to(content_dir).as_posix() for path in gone}
    for opened, relative in created:
        cache.resolved[real / relative] = opened
    shown = shown_folder(content_dir, root)
    return cache.files.with_entry_files(created, deleted, shown_dir=shown)


def _read_one(
    job: tuple[Path, str, str], *, prepare: Callable[[Document], Any] | None
) -> tuple[Any, list[ContentError]]:
    path, shown, content_path = job
    try:
        raw = path.read_bytes()
    except OSError as failure:
        return None, [_unreadable(shown, failure)]
    document, problems = parse_document(raw, path=shown, content_path=content_path)
    if document is not None and prepare is not None:
        return prepare(document), problems
    return document, problems


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


# --- bytes to text ---------------------------------------------------------------------

_RESAVE_HINT = (
    "请用编辑器以“UTF-8”编码重新保存：VS Code 点击右下角的编码名称，选择“通过编码保存”→“UTF-8”；"
    "记事本“另存为”时编码选“UTF-8”。"
)
_ENCODING_NAMES = {
    "gb18030": "简体中文的 GBK/GB18030 编码",
    "gbk": "简体中文的 GBK/GB18030 编码",
    "gb2312": "简体中文的 GBK/GB18030 编码",
    "big5": "繁体中文的 Big5 编码",
    "big5hkscs": "繁体中文的 Big5 编码",
    "cp950": "繁体中文的 Big5 编码",
    "utf_16": "UTF-16 编码",
    "utf_16_le": "UTF-16 编码",
    "utf_16_be": "UTF-16 编码",
    "utf_32": "UTF-32 编码",
    "utf_32_le": "UTF-32 编码",
    "utf_32_be": "UTF-32 编码",
}


def decode_text(raw: bytes, *, path: str) -> tuple[str | None, list[ContentError]]:
    """Text of a content file, or messages saying why it is not clean UTF-8.

    A UTF-8 byte-order mark (Windows Notepad's "UTF-8 with BOM") is skipped with a
    warning: every stage that reads content comes through here, so the check, the
    build and the preview all read such a file alike.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [_not_utf8(path, 1, raw)]
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(
            ContentError(
                path,
                1,
                1,
                "",
                "文件开头有字节顺序标记（BOM，记事本保存为“带有 BOM 的 UTF-8”时加上的），已忽略，"
                "文件照常读取。",
                "不需要修改；想去掉这条提示时，请以“UTF-8”（不带 BOM）编码重新保存："
                "VS Code 点击右下角的“UTF-8 with BOM”，选择“通过编码保存”→“UTF-8”；"
                "记事本“另存为”时编码选“UTF-8”。",
                "warning",
            )
        )
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        return None, [*problems, _not_utf8(path, line, raw)]
    if "\x00" in text:
        if text.count("\x00") > max(3, len(text) // 100):  # UTF-16 or UTF-32 without a BOM
            return None, [*problems, _not_utf8(path, 1, raw)]
        return None, [*problems, *_null_characters(path, text)]
    return text, problems


def _null_characters(path: str, text: str) -> list[ContentError]:
    """A few stray U+0000 in otherwise good text (left by a broken copy or a tool)."""
    found = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for match in re.finditer("\x00", text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        found.append(
            ContentError(
                path,
                line,
                column,
                "",
                "这里有一个看不见的控制字符 U+0000（空字符），文件无法按 YAML 读取。",
                "请删除这个字符：在 VS Code 中它显示为红色的“NUL”；也可以把这一行删掉后重新输入。",
            )
        )
    return found


def guess_encoding(raw: bytes) -> str:
    """The Chinese or Unicode encoding a well-kept detector finds for ``raw``, or ""."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    return _ENCODING_NAMES.get(best.encoding, "") if best is not None else ""


_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1f]")


def _not_utf8(path: str, line: int, raw: bytes) -> ContentError:
    guess = guess_encoding(raw)
    if guess:
        found = f"看起来是{guess}"
    elif len(_BINARY.findall(raw[:4096])) > 8:
        return _not_text(path)
    else:
        found = "编码无法识别"
    return ContentError(
        path, line, 1, "", f"文件不是 UTF-8 编码（{found}），无法读取。", _RESAVE_HINT
    )


def _not_text(path: str) -> ContentError:
    return ContentError(
        path,
        1,
        1,
        "",
        "这个文件不是文本文件（也许是 Word、PDF 或图片改了扩展名），无法读取。",
        "条目文件要用文本编辑器（如 VS Code、记事本）以 UTF-8 编码保存。",
    )


def check_text_file(path: Path, *, shown: str) -> list[ContentError]:
    """Problems of a plain text file editors keep beside the entries (it must be UTF-8)."""
    try:
        raw = path.read_bytes()
    except OSError as failure:
        return [_unreadable(shown, failure)]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        return [_not_utf8(shown, line, raw)]
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


# --- nodes to data ---------------------------------------------------------------------


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
            resolved = _resolve_plain(value)
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


def _resolve_plain(value: str) -> Any:
    """A plain scalar's value under YAML 1.2's core schema (``value`` itself when it is text)."""
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if _INT.fullmatch(value):
        if value.startswith(("0o", "0x")):
            return int(value[2:], 8 if value[1] == "o" else 16)
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value.lower().replace(".inf", "inf").replace(".nan", "nan"))
    return value


def _start(item: Node | yaml.Token) -> Position:
    """1-based line and column where ``item`` starts."""
    return item.start_mark.line + 1, item.start_mark.column + 1


def format_key_path(key_path: KeyPath) -> str:
    """Key path as editors read it: ``sections[2].title``."""
    text = ""
    for part in key_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
