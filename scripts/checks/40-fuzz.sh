#!/usr/bin/env bash
# Every fuzz target for a short, bounded time (5s each, besides building each package for
# fuzzing): new inputs that break a parser of outside input fail CI. scripts/fuzz with a
# longer time searches harder.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/fuzz 5s
