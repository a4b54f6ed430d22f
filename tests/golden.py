"""Golden-file comparison. Regenerate every golden file with:

    KB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_error_messages.py tests/test_render_golden.py

then review the diff (`git diff tests/`) before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path


def assert_matches_golden(actual: str, golden: Path) -> None:
    """Compare ``actual`` with the committed file, or rewrite it when regenerating."""
    if os.environ.get("KB_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.is_file(), f"missing golden file {golden}; regenerate with KB_UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8")
