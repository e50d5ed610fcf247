#!/usr/bin/env bash
# Installs the system pieces Sira needs on Debian/Ubuntu, idempotently:
# Node.js 24, pnpm 10, PostgreSQL (15+) with pgvector, Redis, and the OCR tools (Tesseract with its
# French and English models, poppler's pdftoppm), and the lesson audio tools (espeak-ng, opusenc,
# lame), and Chromium for the admin console's browser tests. Skips whatever is already there.
set -euo pipefail

log() { printf '[setup] %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Node.js 24 LTS + pnpm -------------------------------------------------
# Node 24 comes from the npm registry (the node-linux-<arch> package ships the official binary),
# so no download from outside the registries is needed. It is linked into /usr/local/bin, which
# precedes /usr/bin on PATH, so the distribution's older node stays installed but unused.
NODE_VERSION=24.22.3
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" != "${NODE_VERSION%%.*}" ]; then
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  case "$(uname -m)" in
    x86_64) node_arch=x64 ;;
    aarch64 | arm64) node_arch=arm64 ;;
    *) echo "[setup] unsupported CPU $(uname -m) for Node $NODE_VERSION" >&2; exit 1 ;;
  esac
  log "installing Node.js $NODE_VERSION"
  node_prefix=/opt/sira-node
  $SUDO npm install -g --prefix "$node_prefix" "node-linux-$node_arch@$NODE_VERSION" >/dev/null
  $SUDO ln -sf "$node_prefix/lib/node_modules/node-linux-$node_arch/bin/node" /usr/local/bin/node
  hash -r
  if [ "$(node_major)" != "${NODE_VERSION%%.*}" ]; then
    echo "[setup] node on PATH is $(node -v), expected $NODE_VERSION (is /usr/local/bin first on PATH?)" >&2
    exit 1
  fi
fi
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v | cut -d. -f1)" != "10" ]; then
  log "installing pnpm 10"
  # An explicit prefix: npm under a registry-installed node would default to that package folder.
  $SUDO npm install -g --prefix /usr/local pnpm@10.34.9 >/dev/null
  hash -r
fi

# --- PostgreSQL -----------------------------------------------------------
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  log "installing PostgreSQL"
  apt_install postgresql postgresql-contrib
fi
PG_MAJOR=$(ls /etc/postgresql | sort -n | tail -1)
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  log "starting PostgreSQL $PG_MAJOR"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start || true
fi

# --- pgvector, built from Debian's source package when no binary exists ---
if [ ! -f "/usr/share/postgresql/$PG_MAJOR/extension/vector.control" ]; then
  if apt-cache show "postgresql-$PG_MAJOR-pgvector" >/dev/null 2>&1; then
    log "installing postgresql-$PG_MAJOR-pgvector"
    apt_install "postgresql-$PG_MAJOR-pgvector"
  else
    log "building pgvector from Debian's source package"
    if ! grep -rqs "trixie" /etc/apt/sources.list.d/sira-src.sources; then
      printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        | $SUDO tee /etc/apt/sources.list.d/sira-src.sources >/dev/null
      apt_updated=0
    fi
    apt_install "postgresql-server-dev-$PG_MAJOR" make gcc dpkg-dev
    build=$(mktemp -d)
    (
      cd "$build"
      apt-get source --download-only pgvector >/dev/null 2>&1
      tar xf pgvector_*.orig.tar.* 
      cd pgvector-*/
      make -s OPTFLAGS="" PG_CONFIG="$PG_CONFIG" >/dev/null
      $SUDO make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
    )
    rm -rf "$build"
  fi
fi

# --- PostgreSQL memory and autoprewarm (docs/operations.md, "PostgreSQL settings") ------------
# Written to the cluster's conf.d and applied by one restart, only when a file changed.
pg_conf_dir=/etc/postgresql/$PG_MAJOR/main/conf.d
pg_restart=0
pg_memory_conf=$pg_conf_dir/50-sira-memory.conf
pg_memory=$(bash "$(dirname "$0")/postgres-memory.sh")
if [ -d "$pg_conf_dir" ] && [ "$(cat "$pg_memory_conf" 2>/dev/null)" != "$pg_memory" ]; then
  log "PostgreSQL memory: $(grep -E '^(shared_buffers|maintenance_work_mem)' <<<"$pg_memory" | tr '\n' ' ')"
  printf '%s\n' "$pg_memory" | $SUDO tee "$pg_memory_conf" >/dev/null
  pg_restart=1
fi
# autoprewarm reloads what shared_buffers held before a restart (decision 0055). pg_prewarm comes
# with PostgreSQL (Debian's postgresql-<major>); the file is written only where its library exists
# and no other setting names shared_preload_libraries, which this one would replace.
pg_prewarm_conf=$pg_conf_dir/51-sira-prewarm.conf
pg_prewarm="# Sira: reload shared_buffers after a restart (docs/operations.md, \"PostgreSQL settings\")
shared_preload_libraries = 'pg_prewarm'
pg_prewarm.autoprewarm = on"
pg_preload_elsewhere=$(
  $SUDO find /etc/postgresql/"$PG_MAJOR"/main/postgresql.conf "$pg_conf_dir" /var/lib/postgresql/"$PG_MAJOR"/main/postgresql.auto.conf \
    -maxdepth 1 -type f ! -name "$(basename "$pg_prewarm_conf")" 2>/dev/null |
    $SUDO xargs -r grep -lsE '^[[:space:]]*shared_preload_libraries' || true
)
if [ -d "$pg_conf_dir" ] && [ -f "/usr/lib/postgresql/$PG_MAJOR/lib/pg_prewarm.so" ] && [ -z "$pg_preload_elsewhere" ] &&
  [ "$(cat "$pg_prewarm_conf" 2>/dev/null)" != "$pg_prewarm" ]; then
  log "PostgreSQL: pg_prewarm.autoprewarm on"
  printf '%s\n' "$pg_prewarm" | $SUDO tee "$pg_prewarm_conf" >/dev/null
  pg_restart=1
fi
if [ "$pg_restart" = 1 ]; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main restart
fi

# --- Redis ------------------------------------------------------------------
if ! command -v redis-server >/dev/null 2>&1; then
  log "installing Redis"
  apt_install redis-server
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  log "starting Redis"
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/sira.log
  for _ in $(seq 1 50); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# --- OCR: Tesseract (French and English models) and pdftoppm -----------------
# Scanned PDFs and photos of handouts are read with these; the models ship in the Debian packages,
# so nothing is downloaded when a document is read.
ocr_ready() {
  command -v tesseract >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || return 1
  local langs
  langs=$(tesseract --list-langs 2>/dev/null) || return 1
  grep -qx fra <<<"$langs" && grep -qx eng <<<"$langs" && pdftoppm -v >/dev/null 2>&1
}
if ! ocr_ready; then
  log "installing Tesseract (fra, eng) and poppler-utils"
  apt_install tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng poppler-utils fonts-dejavu-core
fi

# --- Lesson audio: espeak-ng (French and English voices), opusenc and lame ----------------------
# Lessons are read aloud offline by espeak-ng and encoded to Ogg/Opus (opus-tools) or MP3 (lame).
if ! command -v espeak-ng >/dev/null 2>&1 || ! command -v opusenc >/dev/null 2>&1 || ! command -v lame >/dev/null 2>&1; then
  log "installing espeak-ng, opus-tools and lame"
  apt_install espeak-ng opus-tools lame
fi

# --- Chromium, for the admin console's browser tests -------------------------------------------
# Debian's package, driven by playwright-core; no browser is downloaded by any npm package.
if [ ! -x /usr/lib/chromium/chromium ] && ! command -v chromium >/dev/null 2>&1; then
  log "installing Chromium"
  apt_install chromium fonts-dejavu-core
fi

log "system ready: Node $(node -v), pnpm $(pnpm -v), PostgreSQL $PG_MAJOR with pgvector, Redis, Tesseract $(tesseract --version 2>/dev/null | head -1 | cut -d" " -f2)"
