"""OpenCC's Traditional-to-Simplified conversion, loaded once per process.

Two uses read it: the content checks convert an entry's text phrase by phrase
(:mod:`generator.check.simplified`), and search folds every character to its Simplified
form (:mod:`generator.segment`), in the index and, through the table the build
writes into the site, in the reader's browser.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from generator.rules import CHINESE_CHARACTERS


@functools.lru_cache(maxsize=1)
def converter() -> Any:
    """OpenCC's ``t2s`` converter: phrases first, then characters (計畫 to 计划, 乾隆 kept)."""
    import opencc  # the table loads in a few milliseconds, once per process

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def character_table() -> dict[str, str]:
    """Every character OpenCC changes when it stands alone, with what it becomes: each
    Chinese character of the Basic Multilingual Plane is converted once (some hundredths of
    a second) and those that come out as another single character are kept. The rare
    characters beyond it are not worth the time."""
    every = "".join(map(chr, range(0x3400, 0xFB00)))
    chars = re.findall(f"[{CHINESE_CHARACTERS}]", every)
    converted = converter().convert("\n".join(chars)).split("\n")
    return {a: b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}
