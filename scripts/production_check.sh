#!/usr/bin/env bash
# The documented deploy, end to end (docs/deployment.md): collectstatic with production
# settings, gunicorn with DEBUG=0 on a throwaway SQLite database loaded with the demo, a few
# pages and a hashed static file that must all answer 200, then the API fuzzing
# (scripts/api_fuzz.sh) against the same server. Used by .ci/run in CI mode.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

WORK=$(mktemp -d)
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:${PORT}"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Production settings; BEHIND_PROXY=1 because the requests below say X-Forwarded-Proto: https,
# as the TLS-terminating proxy would (otherwise every request is redirected to HTTPS).
SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')
export DEBUG=0 SECRET_KEY ALLOWED_HOSTS=127.0.0.1 BEHIND_PROXY=1 DATABASE_URL="" \
  MG_VAR_DIR="$WORK/var" STATIC_ROOT="$WORK/static" MEDIA_ROOT="$WORK/media" LOG_LEVEL=WARNING
unset MG_ALLOW_INSECURE_KEY MG_PLAIN_STATIC TASKS_BACKEND

echo "== collectstatic with production settings"
$PY manage.py collectstatic --noinput -v 0
test -s "$STATIC_ROOT/staticfiles.json"

echo "== a throwaway database with the demo"
$PY manage.py migrate --noinput -v 0
$PY manage.py demo -v 0 >/dev/null
# Production requires two-factor for the secretariat: alice gets a throwaway TOTP secret here,
# and the fuzzer signs in with its current code.
export MG_FUZZ_TOTP_SECRET=$($PY -c 'import base64, secrets; print(base64.b32encode(secrets.token_bytes(20)).decode())')
$PY manage.py shell -v 0 -c "
import os
from allauth.mfa.totp.internal.auth import TOTP
from middleground.accounts.models import User
TOTP.activate(User.objects.get(username='alice'), os.environ['MG_FUZZ_TOTP_SECRET'])
"

echo "== gunicorn with production settings on $BASE"
.venv/bin/gunicorn middleground.config.wsgi:application -w 2 -b "127.0.0.1:${PORT}" \
  --access-logfile - --access-logformat '%(m)s %(U)s%(q)s -> %(s)s' >"$WORK/gunicorn.log" 2>&1 &
SERVER=$!
for _ in $(seq 60); do
  curl -s -o /dev/null "$BASE/" && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/gunicorn.log"; exit 1; }
  sleep 0.5
done

get() {  # get PATH -> body on stdout; fails unless 200
  local status
  status=$(curl -s -o "$WORK/body" -w '%{http_code}' -H 'X-Forwarded-Proto: https' "$BASE$1")
  if [ "$status" != 200 ]; then
    echo "GET $1 -> $status (expected 200)" >&2
    tail -n 40 "$WORK/gunicorn.log" >&2
    return 1
  fi
  echo "GET $1 -> 200" >&2
  cat "$WORK/body"
}

echo "== pages and a static file through the production server"
get / >"$WORK/home.html"
get /consultations/ >/dev/null
get /consultations/london-youth-policing-polis/results/ >/dev/null
get /delphi/ >/dev/null
get /delphi/water-security-in-central-asia-demo/results/ >"$WORK/delphi.html"
# The chart library as the page names it: the manifest's hashed name, served by whitenoise.
CHART=$(grep -o '/static/vendor/chartjs/chart\.umd\.min\.[0-9a-f]*\.js' "$WORK/delphi.html" | head -n 1)
test -n "$CHART" || { echo "the Delphi results page names no hashed chart.umd.min.js" >&2; exit 1; }
get "$CHART" >"$WORK/chart.js"
grep -q 'window.Chart' "$WORK/chart.js" || { echo "$CHART is not the chart library" >&2; exit 1; }

echo "== API fuzzing against the production server"
scripts/api_fuzz.sh "$BASE"
