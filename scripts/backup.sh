#!/usr/bin/env bash
# A logical backup of the database (docs/operations.md, "Backups"): pg_dump in custom format
# (compressed; pg_restore can restore it in parallel, or one table), checked by listing it, with a
# SHA-256 beside it. It is written under a temporary name and renamed only once complete.
#
#   bash scripts/backup.sh [<file>]     # default: backups/sira-<UTC time>.dump
#
# Reads DATABASE_URL (from the environment, else from .env). Use pg_dump of the server's major
# version or newer. The dump holds the application's tables and the migrations ledger; files are
# backed up apart (the storage directory or the bucket's versioning).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ] && [ -f .env ]; then set -a; . ./.env; set +a; fi
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"

out="${1:-backups/sira-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$out")"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

# --no-owner/--no-privileges: the dump restores under whichever role runs pg_restore.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$partial" "$DATABASE_URL"
# A dump whose table of contents cannot be read is not a backup.
pg_restore --list "$partial" >/dev/null
mv "$partial" "$out"
(cd "$(dirname "$out")" && sha256sum "$(basename "$out")" >"$(basename "$out").sha256")
echo "$out"
