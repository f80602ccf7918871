#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds the release binaries, provisions a
# demo manager, a handheld and a POS terminal in ./var (once), starts a local mosquitto (unless a broker already
# listens on 1883) and the OMS simulator, and runs storeedged in the foreground on its embedded
# defaults; it prints the handheld app's set-up link. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset release -DBUILD_TESTING=OFF >/dev/null
cmake --build --preset release --target storeedged storeedgectl storeedge-omsim

bin=build/release
state=var
mkdir -p "$state"
token_file="$state/demo-handheld.token"
ctl() { "$bin/edge/storeedgectl" --state-dir "$state" "$@"; }

if ! ctl users list 2>/dev/null | grep -q '^demo-manager'; then
  echo 1234 | ctl users add --id demo-manager --name "Demo Manager" --role manager --badge DEMO-MGR
  echo 5678 | ctl users add --id demo-associate --name "Demo Associate" --role associate --badge DEMO-ASC
fi
if [ ! -s "$token_file" ]; then
  # The token is shown once at enrolment; the demo keeps it in the state dir (mode 600).
  id="demo-handheld-$(date +%s)"
  (umask 077; ctl devices enrol --id "$id" --kind handheld --name "Demo handheld" 2>/dev/null > "$token_file")
fi
token=$(cat "$token_file")
pos_token_file="$state/demo-pos.token"
if [ ! -s "$pos_token_file" ]; then
  id="demo-pos-$(date +%s)"
  (umask 077; ctl devices enrol --id "$id" --kind pos --name "Demo POS" --station till-1 2>/dev/null > "$pos_token_file")
fi
pos_token=$(cat "$pos_token_file")

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\n' \
    > "$state/mosquitto.conf"
  mosquitto -c "$state/mosquitto.conf" > "$state/mosquitto.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null && break; sleep 0.1; done
fi
"$bin/sync/storeedge-omsim" --broker tcp://127.0.0.1:1883 --rate 0.2 > "$state/omsim.log" 2>&1 &
pids+=($!)

cat <<MSG

StoreEdge demo — store S001 of tenant "demo", state in ./$state
  Handheld: http://127.0.0.1:8080/#device=$token
            (open it in a browser — a phone-sized window suits it; the link sets the browser up
            as the demo handheld and signs in with a badge or user ID and PIN, below)
  POS:      http://127.0.0.1:8080/#device=$pos_token
            (the same app as the demo POS terminal: customer returns, docs/returns.md; the
            simulator's returnable orders are W-… numbers in ./$state/omsim.log)
  Status:   http://127.0.0.1:8080/status   API description: /api/v1/openapi.yaml
  Health:   http://127.0.0.1:8080/readyz    Metrics: http://127.0.0.1:8080/metrics
  OMS:      a simulator sends allocations over MQTT (log: ./$state/omsim.log)
  Device token (demo handheld): $token
  Sign in:  curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \\
              -d '{"badge":"DEMO-MGR","pin":"1234"}' http://127.0.0.1:8080/api/v1/sessions
  Then:     curl -s -H "Authorization: Bearer $token" -H "StoreEdge-Session: <session>" \\
              http://127.0.0.1:8080/api/v1/allocations
  Returns:  curl -s -H "Authorization: Bearer $pos_token" -H "StoreEdge-Session: <session>" \\
              'http://127.0.0.1:8080/api/v1/returns/orders?order=<order>'
  Sync:     build/release/edge/storeedgectl --state-dir $state sync status
  People:   demo-manager (badge DEMO-MGR, PIN 1234), demo-associate (badge DEMO-ASC, PIN 5678)
  Stop with Ctrl-C.

MSG
"$bin/edge/storeedged" --state-dir "$state"
