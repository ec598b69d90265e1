#!/bin/sh
# Measures the fleet report queries on a year of a 500-car fleet on SQLite and
# PostgreSQL and writes the figures to bench/reports/results.json and the PostgreSQL
# plans to bench/reports/plans-postgres.txt. It starts a throwaway PostgreSQL from the
# binaries under /usr/lib/postgresql (its log is where auto_explain writes the plans)
# and stops it at the end. ROUNDS (default 40) sets how often each case runs; arguments
# after the output file go to bench/reports on both engines (bench/run --smoke passes
# -small -budget 1s -plans ...; -cpu N -rounds 0 gives the CPU per fleet report only).
set -eu
out=${1:-bench/reports/results.json}
[ $# -gt 0 ] && shift
rounds=${ROUNDS:-40}
echo "SQLite:"
CGO_ENABLED=0 go run -trimpath ./bench/reports -rounds "$rounds" -out "$out" "$@"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
dir=$(mktemp -d)
port=${PORT:-55433}
as=""
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as="runuser -u postgres --"
fi
echo "starting a throwaway PostgreSQL in $dir on port $port"
$as "$bin/initdb" --pgdata "$dir/data" --username postgres --auth trust --no-locale --encoding UTF8 --no-sync >/dev/null
$as "$bin/pg_ctl" --pgdata "$dir/data" --log "$dir/log" \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c shared_buffers=128MB" -w start >/dev/null
trap '$as "$bin/pg_ctl" --pgdata "$dir/data" -m immediate stop >/dev/null; rm -rf "$dir"' EXIT
chmod a+r "$dir/log"
url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
echo "PostgreSQL:"
CGO_ENABLED=0 go run -trimpath ./bench/reports -rounds "$rounds" -postgres "$url" -pglog "$dir/log" -pgpid "$dir/data/postmaster.pid" -out "$out" "$@"
