#!/usr/bin/env bash
# Fuzz the REST API against its own OpenAPI schema with schemathesis: no 5xx, and every
# documented response matches its schema. Three runs: anonymous, an expert's token (bob) and the
# secretariat's token (alice); write operations really run, so point it only at a throwaway
# database loaded with `manage.py demo` (scripts/production_check.sh does).
#   usage: scripts/api_fuzz.sh BASE_URL        e.g. http://127.0.0.1:8000
# MG_FUZZ_EXAMPLES (default 20) bounds the generated cases per operation and run.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:?usage: scripts/api_fuzz.sh BASE_URL}
SCHEMA="$BASE/api/v1/openapi.json"
EXAMPLES=${MG_FUZZ_EXAMPLES:-20}
# The server runs with BEHIND_PROXY=1: this header tells it the request came over TLS.
PROXY_HEADER="X-Forwarded-Proto: https"

totp_code() {  # the current RFC 6238 code of $MG_FUZZ_TOTP_SECRET (empty without one)
  [ -n "${MG_FUZZ_TOTP_SECRET:-}" ] || return 0
  .venv/bin/python -c '
import base64, hashlib, hmac, os, struct, time
key = base64.b32decode(os.environ["MG_FUZZ_TOTP_SECRET"])
digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = digest[-1] & 15
value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
print("%06d" % (value % 1000000))'
}

token() {  # token USERNAME [CODE] -> a bearer token, with the demo password
  curl -sf -H "$PROXY_HEADER" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"middle-ground-demo\", \"name\": \"api fuzz\", \"code\": \"${2:-}\"}" \
    "$BASE/api/v1/auth/token" | .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
BOB=$(token bob)
ALICE=$(token alice "$(totp_code)")
CONFIG=$(mktemp --suffix=.toml)
trap 'rm -f "$CONFIG"' EXIT
.venv/bin/python scripts/api_fuzz_config.py "$BASE" "$ALICE" >"$CONFIG"

status=0
# One worker: with two, hypothesis parses lambdas' source in two threads at once, and this
# CPython (3.11.7) then once raised a spurious "SystemError: AST constructor recursion depth
# mismatch" inside the fuzzer (see python/cpython#106905), failing a run the API did not fail.
fuzz() {  # fuzz LABEL [schemathesis options...]
  local label=$1; shift
  echo "-- schemathesis as $label"
  .venv/bin/schemathesis --config-file "$CONFIG" run "$SCHEMA" --url "$BASE" --no-color \
    --checks not_a_server_error,response_schema_conformance \
    --phases examples,coverage,fuzzing --max-examples "$EXAMPLES" --seed 13 \
    --workers 1 --request-timeout 30 --suppress-health-check all \
    -H "$PROXY_HEADER" "$@" || status=1
}
fuzz anonymous
# Token management stays out of the signed-in runs: revoking the run's own token would turn the
# rest of it into 401s.
fuzz "bob (expert)" -H "Authorization: Bearer $BOB" --exclude-path-regex '/auth/tokens'
fuzz "alice (secretariat)" -H "Authorization: Bearer $ALICE" --exclude-path-regex '/auth/tokens'
exit $status
