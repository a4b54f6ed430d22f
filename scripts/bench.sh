#!/usr/bin/env bash
# The benchmark (not part of the test suite): build and search at several corpus sizes,
# against plain MkDocs + Material on the same corpus. Writes bench/RESULTS.md.
#   bash scripts/bench.sh                  -> 1,000 entries (a few minutes)
#   bash scripts/bench.sh 1000 5000 10000  -> the full report
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --browser
exec .venv/bin/python -m bench.run "$@"
