#!/usr/bin/env bash
# Every part of bench/run at tiny sizes and one short round each (bench/run --smoke), so a
# bench broken by a later change fails CI instead of being found when someone next
# measures. The figures it prints are not judged: the machine, the sizes and the
# durations make them meaningless; docs/performance.md is left as it is.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec timeout 15m bench/run --smoke
