"""Reading a built search index back, for checks."""

from __future__ import annotations

import json
from collections.abc import Iterator

from generator.search import SEARCH_DIR


def iter_bucket_tokens(files: dict[str, bytes]) -> Iterator[str]:
    """Every token in the encoded posting files (for checks and tests)."""
    for path, data in files.items():
        if path.startswith(f"{SEARCH_DIR}/p/"):
            text = data.decode()
            yield from json.loads(text[text.index(",") + 1 : text.rindex(")")])
