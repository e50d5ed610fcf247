#!/usr/bin/env bash
# README command (a): set everything up, load the demo data, and serve the API with a worker
# on http://127.0.0.1:8000, the learner app on http://127.0.0.1:3000 and the admin console on
# http://127.0.0.1:3001 until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
set -a; [ -f .env ] && . ./.env; set +a
# The console calls the API from the browser: its origin must be one CORS allows.
ADMIN_ORIGIN=http://127.0.0.1:3001
case ",${CORS_ORIGINS:-}," in
  *",$ADMIN_ORIGIN,"*) ;;
  *) export CORS_ORIGINS="${CORS_ORIGINS:+$CORS_ORIGINS,}$ADMIN_ORIGIN,http://localhost:3001" ;;
esac
export SIRA_API_URL="${SIRA_API_URL:-http://127.0.0.1:${PORT:-8000}}"
# The API and the worker run compiled, as in production (docs/operations.md); the console and the
# learner app are built (the learner app reaches the API through its own origin: no CORS needed).
pnpm -s build
pnpm -s seed:demo
pnpm -s worker &
worker=$!
pnpm -s --filter @sira/admin start >/dev/null &
console=$!
WEB_PORT="${WEB_PORT:-3000}" pnpm -s --filter @sira/web start >/dev/null &
learner=$!
trap 'kill $worker $console $learner 2>/dev/null; wait $worker $console $learner 2>/dev/null' EXIT INT TERM
echo "Learner app: http://127.0.0.1:${WEB_PORT:-3000} (sign up, or sign in as awa.diallo@sira.demo with \`pnpm demo:code\`)"
echo "Admin console: $ADMIN_ORIGIN (sign in with a demo account below and \`pnpm demo:code\`)"
pnpm -s start
