"""``kb serve``'s part of the form: saving an entry straight into ``content/``.

The preview server takes the form's entry only from its own pages: the request must
come from the same origin (its ``Origin`` is the address the page was served from) and
carry the token the server put into the form page when it served it, a new one each
time the preview starts. The entry's id names the file, so only a model-valid id is
accepted, and the file goes into its kind's folder of the content folder, written to a
temporary file first and then moved into place: a reader of the folder never sees half
a file. A new entry never replaces a file; a correction replaces only the file it was
read from, and only if that file still holds what the editor started from. Everything
else is refused with a Chinese message.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.check.identity import usable_id
from generator.emit import entry_file, entry_yaml
from generator.errors import os_reason
from generator.model import ENTRY_KINDS, KINDS
from generator.parse import parse_document
from generator.render import page_url
from generator.routes import Routes
from generator.rules import PLACEHOLDER

SAVE_PATH = "/.kb-form/save"
MAX_BODY = 4 * 1024 * 1024
"""Bytes a save may send: far above any entry, far below what could tire the preview."""
_TOKEN_ATTRIBUTE = "data-kb-form "
"""Where the form page is marked (theme/kb/form.html); the token is added beside it."""


def new_token() -> str:
    """A token for this run of the preview: what a page of another site cannot know."""
    return secrets.token_urlsafe(32)


def is_form_page(html: str) -> bool:
    return _TOKEN_ATTRIBUTE in html


def with_token(html: str, token: str) -> str:
    """The form page, told that it may save and with which token; other pages as they are."""
    return html.replace(_TOKEN_ATTRIBUTE, f'{_TOKEN_ATTRIBUTE}data-kb-save="{token}" ', 1)


class SaveRefused(Exception):
    """Why a save is refused, in Chinese, with the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Saved:
    file: str
    """The file written, as messages name files: ``content/cases/x.yml``."""
    page: str
    """The entry's page, relative to the site's root."""


def check_request(
    *,
    origin: str | None,
    host: str | None,
    content_type: str | None,
    length: str | None,
    limit: int = MAX_BODY,
) -> int:
    """The body's length when the request may be read (it may send at most ``limit`` bytes);
    :class:`SaveRefused` otherwise."""
    if not origin or not host or origin.rstrip("/") not in {f"http://{host}", f"https://{host}"}:
        raise SaveRefused(403, "只能从预览中的“投稿与修改”页保存条目。")
    if (content_type or "").split(";")[0].strip().lower() != "application/json":
        raise SaveRefused(415, "保存的内容格式不对，请从“投稿与修改”页保存。")
    if not (length or "").isascii() or not (length or "").isdigit() or int(length or 0) > limit:
        raise SaveRefused(413, "保存的内容过大或没有写明长度，没有保存。")
    return int(length or 0)


def check_token(body: bytes, token: str) -> dict[str, Any]:
    """The request ``body`` as JSON, if it carries this run's ``token``; :class:`SaveRefused`
    otherwise (a page of another site cannot know the token)."""
    try:
        request = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SaveRefused(400, "发来的内容无法读取，没有处理。") from None
    if not isinstance(request, dict) or not hmac.compare_digest(
        str(request.get("token", "")).encode("utf-8", "replace"), token.encode()
    ):
        raise SaveRefused(
            403, "这个页面的保存凭据已失效（预览重新启动过）。请刷新页面后再试，草稿不会丢。"
        )
    return request


def save_entry(
    body: bytes, *, token: str, content_dir: Path, shown_prefix: str, directory_urls: bool
) -> Saved:
    """Write the entry ``body`` asks for into ``content_dir``; raise :class:`SaveRefused`."""
    request = check_token(body, token)
    kind, data, replacing = request.get("kind"), request.get("data"), request.get("replacing")
    if kind not in KINDS or not isinstance(data, dict) or data.get("kind") != kind:
        raise SaveRefused(400, "保存的内容不是一个条目，没有保存。")
    entry_id = data.get("id")
    if not isinstance(entry_id, str) or not usable_id(entry_id):
        raise SaveRefused(
            400, "编号不能用作文件名（只能由小写英文字母、数字和连字符组成），没有保存。"
        )
    relative = entry_file(kind, entry_id)
    target = content_dir / relative
    text = entry_yaml(kind, data)
    _check_entry(kind, relative, text)
    folder = content_dir / KINDS[kind].folder
    if not folder.is_dir() or folder.is_symlink():
        raise SaveRefused(409, f"内容目录中没有 {KINDS[kind].folder}/ 文件夹，没有保存。")
    if replacing is None:
        taken = [
            k.folder
            for k in KINDS.values()
            if (content_dir / entry_file(k.name, entry_id)).exists()
        ]
        if taken:
            raise SaveRefused(
                409,
                f"已经有编号为“{entry_id}”的条目（{shown_prefix}{taken[0]}/{entry_id}.yml），没有保存。请换一个编号。",
            )
        _write_new(target, text)
    else:
        if replacing != relative:
            raise SaveRefused(400, "修改已有条目时不能改编号，没有保存。")
        _check_unchanged(target, kind, relative, request.get("base"))
        _replace(target, text)
    src_uri = Routes.entry_at(kind, entry_id) if kind in ENTRY_KINDS else Routes.pack(entry_id)
    return Saved(f"{shown_prefix}{relative}", page_url(src_uri, directory_urls=directory_urls))


def _read_values(kind: str, relative: str, raw: bytes) -> dict[str, Any] | None:
    """The entry a file's bytes hold, as the form holds it, or None when they hold none."""
    document, problems = parse_document(raw, path=relative, content_path=relative)
    if problems or document is None or not isinstance(document.data, dict):
        return None
    try:
        entry = KINDS[kind].model.model_validate(document.data)
    except ValidationError:
        return None
    return entry.model_dump(mode="json", exclude_defaults=True)


def _check_entry(kind: str, relative: str, text: str) -> None:
    """The file about to be written reads back as a valid entry (the form checked it; a
    request that did not come through its checks is refused here)."""
    if _read_values(kind, relative, text.encode()) is None or PLACEHOLDER in text:
        raise SaveRefused(400, "条目还有没通过检查的地方，没有保存。请先点击“检查”并改好所有问题。")


def _check_unchanged(target: Path, kind: str, relative: str, base: Any) -> None:
    """A correction replaces only the file it was read from, as it was then."""
    if target.is_symlink() or not target.is_file():
        raise SaveRefused(409, f"要修改的文件 {relative} 已不存在，没有保存。可以改为新建条目。")
    if not isinstance(base, dict) or _read_values(kind, relative, target.read_bytes()) != base:
        raise SaveRefused(
            409,
            f"{relative} 在你修改期间已被改动（可能有人保存了新的版本），为免覆盖，没有保存。"
            "请先导出草稿，再从条目页重新打开“修改此条目”，对照着改。",
        )


def _write_new(target: Path, text: str) -> None:
    """Written beside, then linked into place: a file that appeared meanwhile is kept."""
    temporary = _temporary(target, text)
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise SaveRefused(409, f"已经有文件 {target.name}，没有保存。请换一个编号。") from None
    except OSError as failure:
        raise _disk_refusal(failure) from None
    finally:
        temporary.unlink(missing_ok=True)


def _replace(target: Path, text: str) -> None:
    temporary = _temporary(target, text)
    try:
        os.replace(temporary, target)
    except OSError as failure:
        temporary.unlink(missing_ok=True)
        raise _disk_refusal(failure) from None


def _temporary(target: Path, text: str) -> Path:
    temporary = target.with_name(f".{target.name}.kb-form-{secrets.token_hex(4)}")
    try:
        with open(temporary, "x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except OSError as failure:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise _disk_refusal(failure) from None
    return temporary


def _disk_refusal(failure: OSError) -> SaveRefused:
    return SaveRefused(500, f"无法写入文件：{os_reason(failure)}，没有保存。")
