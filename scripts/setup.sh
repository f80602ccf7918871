#!/usr/bin/env bash
# Installs every Debian 12 package that building, running the demo and testing StoreEdge need.
# Idempotent: packages already present are left alone, and apt is only asked when one is missing.
# Runs as root on a fresh machine and through sudo otherwise.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang clang-format clang-tidy libclang-rt-14-dev
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libssl-dev libsystemd-dev libtomlplusplus-dev
  libpaho-mqttpp-dev libpaho-mqtt-dev
  libgtest-dev libgmock-dev
  # real components used by the demo, the tests and the benchmarks
  mosquitto mosquitto-clients systemd wrk curl python3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
