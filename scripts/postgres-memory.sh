#!/usr/bin/env bash
# Prints PostgreSQL's memory settings for this machine (docs/operations.md, "PostgreSQL settings"):
# shared_buffers a quarter of the memory, so the HNSW index and the chunks searched stay in
# PostgreSQL's own cache (decision 0055); effective_cache_size three quarters; maintenance_work_mem
# a sixteenth, so an HNSW index builds in memory. The memory is the smaller of the RAM and the
# container's cgroup limit; `postgres-memory.sh <MiB>` prints the settings for that much instead.
set -euo pipefail

memory_mb() {
  local mb limit f
  mb=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
  for f in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
    [ -r "$f" ] || continue
    limit=$(cat "$f")
    if [[ "$limit" =~ ^[0-9]+$ ]] && ((limit / 1048576 < mb)); then mb=$((limit / 1048576)); fi
  done
  echo "$mb"
}
clamp() { local v=$1; ((v < $2)) && v=$2; ((v > $3)) && v=$3; echo "$v"; }

mem=${1:-$(memory_mb)}
maintenance=$(clamp $((mem / 16)) 64 2048)
echo "# Sira: PostgreSQL memory for ${mem} MiB (scripts/postgres-memory.sh, docs/operations.md)"
echo "shared_buffers = $(clamp $((mem / 4)) 128 16384)MB"
echo "effective_cache_size = $(clamp $((mem * 3 / 4)) 512 65536)MB"
echo "maintenance_work_mem = ${maintenance}MB"
echo "autovacuum_work_mem = $(clamp "$maintenance" 64 256)MB"
echo "work_mem = 16MB"
