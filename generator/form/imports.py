"""``kb serve``'s part of the form: a document dropped on it, imported as ``kb import``
imports it, and opened in the form as a draft with the import's report.

The preview takes the document only as it takes an entry to save (:mod:`.save`): from its
own form page, with this run's token. The document is written to a folder of its own and
imported in a separate process, one at a time and for a limited time: a document made to
hang or swell the importer stops that process, never the preview the editor is using.
Nothing is written into the content folder; the editor saves the draft from the form.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from generator.form.save import SaveRefused, check_token
from generator.model import KINDS
from generator.rules import PLACEHOLDER
from generator.tempdirs import PREVIEW, make_temp_dir

IMPORT_PATH = "/.kb-form/import"
MAX_DOCUMENT = 24 * 1024 * 1024
"""Bytes of a dropped document: a case study is a few pages, a book chapter with pictures a
few megabytes; larger documents are for ``kb import``, which says what to do with them."""
MAX_IMPORT_BODY = MAX_DOCUMENT * 4 // 3 + 64 * 1024
"""The request carrying it: the document in base 64, its name and kind."""
SECONDS = 120
"""How long one import may take before its process is stopped."""
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_ONE_AT_A_TIME = threading.Lock()


def importable_kinds() -> list[str]:
    """The kinds a document can become: those that say where its sections go."""
    return [kind.name for kind in KINDS.values() if kind.import_main]


def import_request(body: bytes, *, token: str, content_dir: Path) -> dict[str, Any]:
    """The draft a dropped document makes (``{kind, name, data, report, unfilled}``);
    :class:`SaveRefused` with a Chinese message when it makes none."""
    request = check_token(body, token)
    kind, name, content = request.get("kind"), request.get("name"), request.get("content")
    if kind not in importable_kinds() or not isinstance(name, str) or not isinstance(content, str):
        raise SaveRefused(400, "导入的内容不完整，没有导入。请把文档重新拖到表单上。")
    try:
        document = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise SaveRefused(400, "文档没有完整传到预览服务器，没有导入。请重新拖入。") from None
    if len(document) > MAX_DOCUMENT:
        raise SaveRefused(
            413,
            f"文档太大（超过 {MAX_DOCUMENT // 1024 // 1024} MB），没有导入。"
            "请用 kb import 在命令行导入，它会说明怎样拆分。",
        )
    if not _ONE_AT_A_TIME.acquire(blocking=False):
        raise SaveRefused(429, "正在导入另一个文档，请等它完成后再试。")
    try:
        return _run(document, _file_name(name), kind, content_dir)
    finally:
        _ONE_AT_A_TIME.release()


def _file_name(name: str) -> str:
    """The document's own name, as its report names it, made safe to be a file's name."""
    base = _UNSAFE_NAME.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem[:80] or "文档"
    return f"{stem}.{suffix[:10]}" if suffix else stem


def _run(document: bytes, name: str, kind: str, content_dir: Path) -> dict[str, Any]:
    folder = make_temp_dir(PREVIEW)
    try:
        path = folder / name
        path.write_bytes(document)
        command = [sys.executable, "-m", "generator.form.imports", str(path), kind]
        try:
            finished = subprocess.run(
                [*command, str(content_dir.resolve())],
                capture_output=True,
                timeout=SECONDS,
                check=False,
                cwd=Path.cwd(),
            )
        except subprocess.TimeoutExpired:
            raise SaveRefused(
                504,
                f"导入“{name}”用时超过 {SECONDS} 秒，已经停止。"
                "文档可能太长或格式异常：请用 kb import 在命令行导入，或把文档拆小后再拖入。",
            ) from None
        try:
            answer = json.loads(finished.stdout.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            answer = None
        if not isinstance(answer, dict):
            raise SaveRefused(
                500,
                f"导入“{name}”时出错，没有生成草稿。请用 kb import 在命令行导入这个文件，查看详细的提示。",
            )
        if "message" in answer:
            raise SaveRefused(422, str(answer["message"]))
        return answer
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def draft_for_form(document: Path, kind: str, content_dir: Path) -> dict[str, Any]:
    """What the form opens: the draft ``kb import`` makes of ``document``, as values, with its
    report and the places the draft leaves for the editor (:data:`PLACEHOLDER`)."""
    # Imported here: the importer's readers and dictionaries are loaded in this process only.
    from generator.check import load_taxonomy
    from generator.commands import kb_command
    from generator.importer import import_document
    from generator.importer.report import describe_import
    from generator.parse import parse_document
    from generator.segment import read_search_terms, segmenter_for

    taxonomy = load_taxonomy(content_dir, root=content_dir.parent)
    imported = import_document(
        document,
        kind=kind,
        taxonomy=taxonomy,
        segmenter=segmenter_for(read_search_terms(content_dir)),
        check_command=kb_command("check"),
    )
    relative = f"{KINDS[kind].folder}/{imported.entry_id}.yml"
    parsed, _ = parse_document(imported.text.encode(), path=relative, content_path=relative)
    data = _plain(parsed.data if parsed is not None else {})
    return {
        "kind": kind,
        "name": document.name,
        "data": data,
        "report": describe_import(imported, root=content_dir.parent),
        "unfilled": sorted(_unfilled(data, "")),
    }


def _plain(value: Any) -> Any:
    """Values as the form holds them: text, lists and mappings (dates as the model writes them)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_plain(item) for item in value if item is not None]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def _unfilled(value: Any, place: str) -> list[str]:
    """The places (``sources[0].title``, as kb check names them) still holding the placeholder."""
    if isinstance(value, str):
        return [place] if PLACEHOLDER in value else []
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            for found in _unfilled(item, f"{place}.{key}" if place else key)
        ]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _unfilled(item, f"{place}[{i}]")]
    return []


def main() -> None:
    """The import process: the document, its kind and the content folder on the command line;
    the draft (or a Chinese message) as JSON on standard output."""
    from generator.errors import ContentErrors
    from generator.importer.findings import UnreadableSource

    parser = argparse.ArgumentParser()
    parser.add_argument("document", type=Path)
    parser.add_argument("kind", choices=importable_kinds())
    parser.add_argument("content", type=Path)
    args = parser.parse_args()
    try:
        answer = draft_for_form(args.document, args.kind, args.content)
    except UnreadableSource as unreadable:
        answer = {"message": f"{args.document.name}：{unreadable.message}"}
    except ContentErrors:
        answer = {"message": "内容目录的分类体系有错误，无法导入。请先按预览页上方的提示改正。"}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":
    main()
