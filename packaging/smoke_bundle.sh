#!/usr/bin/env bash
# Smoke-test dist/CrossDesk without any virtualenv (see packaging/smoke_bundle.py):
# --version, a populated --demo screenshot, packs list/install, start-up vs the .venv.
# The last line is JSON with the figures. Usage: packaging/smoke_bundle.sh [--runs 5]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec /usr/bin/env -u VIRTUAL_ENV -u PYTHONPATH python3 "$ROOT/packaging/smoke_bundle.py" "$@"
