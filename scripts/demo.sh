#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds the release binaries, provisions a
# demo manager and handheld in ./var (once), and runs storeedged in the foreground on its
# embedded defaults. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset release -DBUILD_TESTING=OFF >/dev/null
cmake --build --preset release --target storeedged storeedgectl

bin=build/release/edge
state=var
token_file="$state/demo-handheld.token"
ctl() { "$bin/storeedgectl" --state-dir "$state" "$@"; }

if ! ctl users list | grep -q '^demo-manager'; then
  echo 1234 | ctl users add --id demo-manager --name "Demo Manager" --role manager --badge DEMO-MGR
  echo 5678 | ctl users add --id demo-associate --name "Demo Associate" --role associate --badge DEMO-ASC
fi
if [ ! -s "$token_file" ]; then
  # The token is shown once at enrolment; the demo keeps it in the state dir (mode 600).
  id="demo-handheld-$(date +%s)"
  umask 077
  ctl devices enrol --id "$id" --kind handheld --name "Demo handheld" 2>/dev/null > "$token_file"
fi
token=$(cat "$token_file")

cat <<MSG

StoreEdge demo — store S001 of tenant "demo", state in ./$state
  Web/API:  http://127.0.0.1:8080/   (API description: /api/v1/openapi.yaml)
  Health:   http://127.0.0.1:8080/readyz    Metrics: http://127.0.0.1:8080/metrics
  Device token (demo handheld): $token
  Sign in:  curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \\
              -d '{"badge":"DEMO-MGR","pin":"1234"}' http://127.0.0.1:8080/api/v1/sessions
  People:   demo-manager (badge DEMO-MGR, PIN 1234), demo-associate (badge DEMO-ASC, PIN 5678)
  Stop with Ctrl-C.

MSG
exec "$bin/storeedged" --state-dir "$state"
