#!/usr/bin/env bash
# A point-in-time recovery drill on a scratch cluster (docs/operations.md, "Backups"): the same
# settings and steps as production, on loopback ports, in a temporary folder.
#   1. a primary with WAL archiving (wal_level=replica, archive_mode=on, archive_command);
#   2. a base backup with pg_basebackup; rows written after it;
#   3. the recovery target noted, then a mistake (DROP TABLE) and a WAL switch;
#   4. the base backup restored with restore_command, recovery_target_time and recovery.signal;
#   5. the restored server promoted with the rows written before the target and the table back.
# Prints "pitr drill: ok" and exits 0 when the restore holds what it should.
#
#   bash scripts/pitr-drill.sh [<port>]     # default port 6493 (and the next one for the restore)
set -euo pipefail
port="${1:-6493}"
restored_port=$((port + 1))
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "pitr-drill: PostgreSQL server binaries not found" >&2; exit 1; }
dir="$(mktemp -d /tmp/sira-pitr-XXXXXX)"
# The server refuses to run as root: use the postgres account then.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
stop() { as_pg "$bin/pg_ctl" -D "$1" -m immediate -w stop >/dev/null 2>&1 || true; }
trap 'stop "$dir/primary"; stop "$dir/restored"; rm -rf "$dir"' EXIT
sql() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres -At -c "$2"; }

# 1. The primary, archiving each finished WAL segment (never overwriting one already archived).
as_pg mkdir "$dir/archive"
as_pg "$bin/initdb" -D "$dir/primary" -A trust -U postgres >/dev/null
as_pg tee -a "$dir/primary/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $dir/archive/%f && cp %p $dir/archive/%f'
archive_timeout = 60
EOF
as_pg "$bin/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w start >/dev/null
sql "$port" "CREATE TABLE ledger (n int)"
sql "$port" "INSERT INTO ledger VALUES (1)"

# 2. The base backup (streams the WAL it needs), then more writes.
as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$dir/base" -Fp -Xstream -c fast
sql "$port" "INSERT INTO ledger VALUES (2)"

# 3. The moment to go back to, then the mistake; the switch archives the segment holding it.
target="$(sql "$port" "SELECT clock_timestamp()")"
sleep 1
sql "$port" "DROP TABLE ledger"
segment="$(sql "$port" "SELECT pg_walfile_name(pg_current_wal_lsn())")"
sql "$port" "SELECT pg_switch_wal()" >/dev/null
for _ in $(seq 100); do
  [ "$(sql "$port" "SELECT coalesce(last_archived_wal >= '$segment', false) FROM pg_stat_archiver")" = t ] && break
  sleep 0.1
done
stop "$dir/primary"

# 4. Recovery: the base backup, WAL from the archive, up to the target, then promote.
as_pg cp -a "$dir/base" "$dir/restored"
as_pg tee -a "$dir/restored/postgresql.conf" >/dev/null <<EOF
port = $restored_port
restore_command = 'cp $dir/archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
EOF
as_pg touch "$dir/restored/recovery.signal"
as_pg "$bin/pg_ctl" -D "$dir/restored" -l "$dir/restored.log" -w start >/dev/null
for _ in $(seq 100); do
  [ "$(sql "$restored_port" "SELECT pg_is_in_recovery()")" = f ] && break
  sleep 0.1
done

# 5. Both rows written before the target, none of what came after.
rows="$(sql "$restored_port" "SELECT string_agg(n::text, ',' ORDER BY n) FROM ledger")"
if [ "$rows" != "1,2" ] || ! grep -q "recovery stopping before commit" "$dir/restored.log"; then
  echo "pitr drill: FAILED (rows: '$rows')" >&2
  cat "$dir/restored.log" >&2
  exit 1
fi
echo "pitr drill: ok (rows $rows restored to $target)"
