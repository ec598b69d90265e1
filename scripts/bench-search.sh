#!/bin/sh
# Measures ride search at 1k, 10k and 100k open rides on SQLite and PostgreSQL and writes
# the figures to bench/search/results.json. With CARPOOL_BENCH_POSTGRES_URL set it uses
# that (empty) database; otherwise it starts a throwaway PostgreSQL from the binaries
# under /usr/lib/postgresql and stops it at the end.
set -eu
out=${1:-bench/search/results.json}
echo "SQLite:"
CGO_ENABLED=0 go run -trimpath ./bench/search -out "$out"
url=${CARPOOL_BENCH_POSTGRES_URL:-}
if [ -z "$url" ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  dir=$(mktemp -d)
  port=55432
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
  url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
fi
echo "PostgreSQL:"
CGO_ENABLED=0 go run -trimpath ./bench/search -postgres "$url" -out "$out"
