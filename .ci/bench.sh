#!/usr/bin/env bash
# make bench: see .ci/bench.py.
set -euo pipefail
exec python3 "$(dirname "$0")/bench.py" "$@"
