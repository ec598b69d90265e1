#!/bin/sh
# Entrypoint of the PostgreSQL 15 image that scripts/postgres-image makes from Debian's
# packages. It keeps the official postgres image's contract, which deploy/ relies on:
# arguments starting with "-" go to postgres; on an empty PGDATA it runs initdb with
# POSTGRES_USER (default postgres) as superuser and POSTGRES_PASSWORD (or the file named by
# POSTGRES_PASSWORD_FILE) as its password, creates POSTGRES_DB (default: the user's name),
# listens on all addresses and asks every TCP client for a scram-sha-256 password.
set -eu
case ${1:-} in -*) set -- postgres "$@" ;; esac
[ "${1:-}" = postgres ] || exec "$@"

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
	POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
fi
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	if [ -z "${POSTGRES_PASSWORD:-}" ]; then
		echo "entrypoint: PGDATA $PGDATA is empty and neither POSTGRES_PASSWORD nor POSTGRES_PASSWORD_FILE is set" >&2
		exit 1
	fi
	echo "entrypoint: initialising $PGDATA (superuser $user, database $db)"
	mkdir -p "$PGDATA"
	chmod 700 "$PGDATA"
	pwfile=$(mktemp)
	printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
	initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" --encoding=UTF8 --no-locale \
		--auth-local=trust --auth-host=scram-sha-256 >/dev/null
	rm -f "$pwfile"
	echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
	echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
	if [ "$db" != postgres ]; then
		# Single-user mode: no server (and no socket) needed for one statement.
		printf 'CREATE DATABASE "%s";\n' "$db" | postgres --single -D "$PGDATA" postgres >/dev/null
	fi
	echo "entrypoint: initialised"
fi
exec "$@"
