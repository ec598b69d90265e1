#!/usr/bin/env bash
# Every fuzz target for a short, bounded time (10s each, about 80s in all): new inputs
# that break a parser of outside input fail CI. scripts/fuzz with a longer time searches
# harder.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/fuzz 10s
