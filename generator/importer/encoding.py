"""Bytes to text: which encoding a Chinese document came in, said in Chinese. Files that
are not text at all (a PDF or Word file renamed, a picture) are refused."""

from __future__ import annotations

import re
from pathlib import Path

from generator.importer.findings import UnreadableSource

_UTF8_BOM = b"\xef\xbb\xbf"
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_CODECS = {
    "utf_8": ("utf-8", "UTF-8"),
    "gb2312": ("gb18030", "GBK"),
    "gbk": ("gb18030", "GBK"),
    "gb18030": ("gb18030", "GB18030"),
    "hz": ("gb18030", "GBK"),
    "big5": ("cp950", "Big5"),
    "cp950": ("cp950", "Big5"),
    "big5hkscs": ("big5hkscs", "Big5-HKSCS"),
    "utf_16": ("utf-16", "UTF-16"),
    "utf_16_le": ("utf-16-le", "UTF-16"),
    "utf_16_be": ("utf-16-be", "UTF-16"),
}
"""Detector names of the encodings Chinese documents come in: the codec that reads each
(the widest of its family: GB18030 reads GBK and GB2312, cp950 reads Big5) and its name."""
_FALLBACK_CODECS = ("gb18030", "cp950", "big5hkscs")


def decode_bytes(raw: bytes, *, path: Path) -> tuple[str, str, str]:
    """``raw`` as text: (text, codec, how it was encoded in Chinese).

    UTF-8 is taken when the bytes are valid UTF-8 (other encodings almost never are);
    otherwise charset-normalizer decides, and its choice must decode without errors.
    """
    if raw.startswith(_UTF8_BOM):
        try:
            return raw[3:].decode("utf-8"), "utf-8", "UTF-8（带 BOM）"
        except UnicodeDecodeError:
            pass
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16", "UTF-16"
        except UnicodeDecodeError:
            pass
    _refuse_binary(raw, path=path)
    try:
        return raw.decode("utf-8"), "utf-8", "UTF-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    detected = _CODECS.get(best.encoding) if best is not None else None
    tried = [detected[0]] if detected else []
    tried += [codec for codec in _FALLBACK_CODECS if codec not in tried]
    for codec in tried:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        name = _codec_name(codec, raw)
        how = (
            "由 charset-normalizer 检测"
            if detected and codec == detected[0]
            else "按常见中文编码试读"
        )
        return text, codec, f"{name}（{how}）"
    codec = detected[0] if detected else "gb18030"
    text = raw.decode(codec, errors="replace")
    lost = text.count("\ufffd")
    return text, codec, f"{_codec_name(codec, raw)}（有 {lost} 处字节无法解码，已标出）"


def _codec_name(codec: str, raw: bytes) -> str:
    if codec == "gb18030":
        try:
            raw.decode("gbk")
        except UnicodeDecodeError:
            return "GB18030"
        return "GBK"
    return {"cp950": "Big5", "big5hkscs": "Big5-HKSCS", "utf-8": "UTF-8"}.get(codec, codec)


def _refuse_binary(raw: bytes, *, path: Path) -> None:
    head = raw[:4096]
    if head.startswith(b"%PDF"):
        raise UnreadableSource(
            path, "这其实是 PDF 文件，扩展名却不是 .pdf。请把扩展名改为 .pdf 后再导入。"
        )
    if head.startswith(b"PK\x03\x04") and b"word/" in raw[:65536]:
        raise UnreadableSource(
            path, "这其实是 Word 文件，扩展名却不是 .docx。请把扩展名改为 .docx 后再导入。"
        )
    if b"\x00" in head or len(_CONTROL.findall(head)) > 8:
        raise UnreadableSource(
            path, "这不是文本文件（也许是图片、压缩包或其他程序的文件），无法导入。"
        )
