#!/usr/bin/env bash
# Restores a dump made by scripts/backup.sh into a NEW database (docs/operations.md, "Backups").
# It never writes over an existing database: restore beside the live one, check it, then point
# DATABASE_URL at it (or rename the databases while the app is stopped).
#
#   bash scripts/restore.sh <file.dump> <postgresql://…/new_database>
#
# The role in the URL must be able to create databases and the `vector` extension (or have it
# created beforehand in template1). Afterwards, run the migrations (`pnpm db:migrate`, or
# `node dist/migrate.js` in the image): a dump older than the code gets the newer migrations.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: bash scripts/restore.sh <file.dump> <postgresql://user@host:port/new_database>" >&2
  exit 2
fi
dump="$1"
target="$2"

if [ -f "$dump.sha256" ]; then
  (cd "$(dirname "$dump")" && sha256sum --check --quiet "$(basename "$dump").sha256")
fi
pg_restore --list "$dump" >/dev/null

base="${target%%\?*}"
query="${target#"$base"}"
name="${base##*/}"
if ! [[ "$name" =~ ^[A-Za-z0-9_]+$ ]]; then
  echo "restore.sh: the database name must be letters, digits and underscores: '$name'" >&2
  exit 2
fi
admin="${base%/*}/postgres$query"

exists=$(psql "$admin" -XAtc "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [ -n "$exists" ]; then
  echo "restore.sh: database $name already exists; restore into a new one" >&2
  exit 1
fi
psql "$admin" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\""
# A restore that stops half-way leaves nothing behind.
trap 'status=$?; if [ $status -ne 0 ]; then psql "$admin" -Xq -c "DROP DATABASE IF EXISTS \"$name\"" || true; fi' EXIT

pg_restore --exit-on-error --no-owner --no-privileges --jobs="${RESTORE_JOBS:-2}" --dbname="$target" "$dump"
# pg_restore brings no planner statistics: gather them before the app reads.
psql "$target" -Xq -v ON_ERROR_STOP=1 -c "ANALYZE"
latest=$(psql "$target" -XAtc 'SELECT max(migration_name) FROM "_prisma_migrations" WHERE finished_at IS NOT NULL')
echo "restored $dump into $name (latest migration: ${latest:-none})"
