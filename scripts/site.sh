#!/usr/bin/env bash
# Build or preview the site from the bundled content:
#   bash scripts/site.sh build      -> site/
#   bash scripts/site.sh serve      -> http://127.0.0.1:8000/ with live reload
# Any other arguments go to the kb command (for example: check, build -d DIR --strict).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ "$#" -eq 0 ]; then set -- build; fi
exec .venv/bin/kb "$@"
