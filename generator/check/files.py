"""Checking one content file on its own: its kind (from its folder), placeholders left from
the scaffold, Traditional characters, the model's rules, and the clauses the near-duplicate
check compares. What it gives is a :class:`FileCheck`, worked out where the file was read
(in a worker process) and kept while the file does not change.
"""

from __future__ import annotations

import dataclasses
import functools
import posixpath
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from generator.check.messages import describe_value, error_at, validate_model
from generator.check.placement import field_at
from generator.check.similar import ClauseSet, clauses
from generator.check.simplified import Folded, fold, joined_texts, traditional_warnings
from generator.errors import ContentError
from generator.load import TAXONOMY_FILE, Document, KeyPath
from generator.model import KINDS, Content, Kind, kind_in_folder
from generator.quoting import visible
from generator.rules import PLACEHOLDER


@dataclass(frozen=True)
class Written:
    """What checks across files read of one file, as it was written, so that a file with
    problems of its own is still checked against the others. A check that needs another
    field must add it here: asking for one that is not is an error, never a silent nothing."""

    id: Any
    kind: Any
    title: Any
    org_type: Any
    themes: Any
    cases: Any
    distinct_from: Any
    entries: Any
    self_test: Any
    """A study pack's questions: each names a passage of an entry (:mod:`generator.quiz`)."""

    @classmethod
    def of(cls, data: Any) -> Written:
        found = data if isinstance(data, dict) else {}
        return cls(**{f.name: found.get(f.name) for f in dataclasses.fields(cls)})


_WRITTEN = frozenset(f.name for f in dataclasses.fields(Written))


@dataclass(frozen=True)
class FileCheck:
    """What checking one content file on its own gave."""

    document: Document
    """The file, holding only the positions of :class:`Written`'s fields (a whole library's
    documents take much memory): its path and digest, and where to point messages."""
    written: Written
    content: Content | None
    """The entry or study pack, when the file holds a valid one."""
    problems: tuple[ContentError, ...]
    clauses: ClauseSet | None
    """For the near-duplicate check, when asked for."""
    misplaced: str = ""
    """The kind the file declares, when it sits in another kind's folder: whether it can be
    moved where it belongs depends on the other files."""

    @property
    def stem(self) -> str:
        return stem(self.document.content_path)


def check_file(document: Document, *, find_duplicates: bool) -> FileCheck | Document:
    """``document`` checked on its own; the taxonomy, which every entry is checked against,
    is kept whole for the checks across files."""
    if document.content_path == TAXONOMY_FILE:
        return document
    errors: list[ContentError] = []
    joined = joined_texts(document.data)
    folded = fold(document.data, joined)  # once, for the Traditional characters and clauses
    content = _check_content(document, errors, folded=folded, joined=joined)
    compared = find_duplicates and content is not None and KINDS[content.kind].is_entry
    found = clauses(document.data, type(content), folded) if compared and content else None
    slim = Document(
        path=document.path,
        content_path=document.content_path,
        data=None,
        positions={k: v for k, v in document.positions.items() if not k or k[0] in _WRITTEN},
        digest=document.digest,
        broken=document.broken,
        unreadable=document.unreadable,
    )
    return FileCheck(
        slim,
        Written.of(document.data),
        content,
        tuple(errors),
        found,
        _declared_elsewhere(document),
    )


def _check_content(
    document: Document, errors: list[ContentError], *, folded: Folded, joined: str
) -> Content | None:
    """The entry or study pack in ``document`` checked on its own (its file name is checked
    across files); ``folded`` is its texts in Simplified characters, ``joined`` all of its
    texts in one."""
    folder, _, name = document.content_path.partition("/")
    kind = kind_in_folder(folder)
    if kind is None or "/" in name:
        folders = "、".join(f"{k.folder}/（{k.label}）" for k in KINDS.values())
        errors.append(
            ContentError(
                document.path,
                1,
                1,
                "",
                "无法识别的内容文件：条目文件必须直接放在规定的文件夹中。",
                f"请把文件移到 {folders} 之一。",
            )
        )
        return None
    data = document.data
    if not isinstance(data, dict):
        if not document.broken:
            errors.append(
                ContentError(
                    document.path,
                    1,
                    1,
                    "",
                    f"文件内容应为若干“字段: 值”，实际是{describe_value(data)}。",
                    "请参照同一文件夹中的其他条目填写。",
                )
            )
        return None
    declared = data.get("kind")
    if isinstance(declared, str) and declared in KINDS and declared != kind.name:
        errors.append(_wrong_folder(document, KINDS[declared], kind))
        return None
    placeholders = _placeholders(document, kind.model) if PLACEHOLDER in joined else []
    errors.extend(placeholders)
    errors.extend(traditional_warnings(document, kind.model, folded))
    content = validate_model(kind.model, document, errors)
    if content is None or placeholders or document.broken:
        return None
    return content


def _wrong_folder(document: Document, declared: Kind, folder: Kind) -> ContentError:
    return error_at(
        document,
        ("kind",),
        f"文件放错了文件夹：类型是“{declared.name}”（{declared.label}），"
        f"却放在 {folder.folder}/（{folder.label}）中。",
        f"请把文件移到 {declared.folder}/，或把 kind 改为 {folder.name}。",
    )


def _declared_elsewhere(document: Document) -> str:
    """The kind ``document`` declares when its folder is another kind's, else ""."""
    folder = document.content_path.partition("/")[0]
    data = document.data if isinstance(document.data, dict) else {}
    declared = data.get("kind")
    if (
        isinstance(declared, str)
        and declared in KINDS
        and KINDS[declared].folder != folder
        and kind_in_folder(folder) is not None
    ):
        return declared
    return ""


def _placeholders(document: Document, model: type[BaseModel]) -> list[ContentError]:
    """Values still holding the scaffold's placeholder text."""
    found = []
    for key_path, value in _walk(document.data, ()):
        if isinstance(value, str) and PLACEHOLDER in value:
            found.append(
                error_at(
                    document,
                    key_path,
                    f"这里还是模板中的占位文字：“{visible(value.strip(), limit=30)}”。",
                    _placeholder_hint(model, key_path),
                )
            )
    return found


def _placeholder_hint(model: type[BaseModel], key_path: KeyPath) -> str:
    """Replace the placeholder; deleting the line is offered only where the model allows it."""
    hint = (
        f"请把“{PLACEHOLDER}”和它后面的提示换成实际内容；"
        f"后面已经是要写的内容时，删去“{PLACEHOLDER}”即可。"
    )
    owner, name = field_at(model, key_path)
    info = owner.model_fields.get(name)
    if info is not None and not info.is_required():
        hint += "这个字段可省略，不需要时也可以整行删除。"
    return hint


def _walk(value: Any, key_path: KeyPath) -> Any:
    yield key_path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*key_path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*key_path, i))


@functools.lru_cache(maxsize=1 << 17)
def stem(path: str) -> str:
    """A file name without folder and extension; plain string work, done for every file."""
    return posixpath.splitext(posixpath.basename(path))[0]
