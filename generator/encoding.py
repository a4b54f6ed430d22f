"""Reading a content file's bytes as text: UTF-8 (a byte-order mark is noted and dropped),
told in editors' words when a file is in another encoding, holds a null character or is
not text at all."""

from __future__ import annotations

import re
from pathlib import Path

from generator.errors import ContentError

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
        return [unreadable(shown, failure)]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        return [_not_utf8(shown, line, raw)]
    return []


def unreadable(path: str, failure: OSError) -> ContentError:
    reason = failure.strerror or str(failure)
    return ContentError(
        path,
        1,
        1,
        "",
        f"无法读取这个文件（{reason}）。",
        "请检查文件的读取权限，或确认它没有被其他程序锁定。",
    )
