#!/usr/bin/env bash
# `make smoke`: the demo as a new user meets it. A fresh virtualenv with requirements.txt only (a
# green suite on the dev requirements can hide a missing runtime dependency), an empty data
# directory, the server started by `make demo` itself, then the journey of scripts/smoke_journey.py
# over HTTP. Fails on any 5xx, a debug page, or a journey that does not end as it should.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/yiwang-smoke.XXXXXX")
port=${SMOKE_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
log="$work/demo.log"
server=""
up() { python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "http://127.0.0.1:$port/ping" 2>/dev/null; }
cleanup() {
  if [ -n "$server" ]; then kill -- -"$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "smoke: fresh virtualenv from requirements.txt in $work/venv; demo on port $port"
# setsid: the demo (make → runserver) gets its own process group, so cleanup stops all of it.
# The embedded demo: SQLite in the fresh data directory, whatever DATABASE_URL CI exported.
env -u DATABASE_URL -u CELERY_BROKER_URL YIWANG_VAR_DIR="$work/var" setsid make --no-print-directory demo VENV="$work/venv" PORT="$port" >"$log" 2>&1 &
server=$!
for _ in $(seq 1 900); do
  if up; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then echo "smoke: make demo stopped:"; tail -40 "$log"; exit 1; fi
  sleep 1
done
up || { echo "smoke: the demo did not start"; tail -40 "$log"; exit 1; }
if ! "$work/venv/bin/python" scripts/smoke_journey.py "http://127.0.0.1:$port"; then
  echo "smoke: the demo's log:"; tail -60 "$log"; exit 1
fi
if grep -q "Traceback" "$log"; then echo "smoke: the demo logged a traceback:"; grep -n -A20 "Traceback" "$log" | head -60; exit 1; fi
echo "smoke: passed"
