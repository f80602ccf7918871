#!/usr/bin/env bash
# Installs every Debian 12 package that building, running the demo and testing StoreEdge need, and
# the browser test's npm package (tests/e2e, from its package-lock.json).
# Idempotent: packages already present are left alone, and apt is only asked when one is missing;
# npm ci runs only when the lock file changed since the last install.
# Runs as root on a fresh machine and through sudo otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang clang-format clang-tidy libclang-rt-14-dev
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libssl-dev libsystemd-dev libtomlplusplus-dev
  libpaho-mqttpp-dev libpaho-mqtt-dev
  libgtest-dev libgmock-dev
  # scanners: camera images (ZXing-cpp, JPEG, PNG), USB and udev
  libzxing-dev libjpeg62-turbo-dev libpng-dev libusb-1.0-0-dev libudev-dev
  # labels and printing: cairo (PDF, PNG), libzint (GS1 Data Matrix, which ZXing 1.4 cannot
  # write), libcups
  libcairo2-dev libzint-dev libcups2-dev
  # returns: the store's local date in its IANA timezone (C++20's <chrono> zones, which GCC 12
  # lacks, as Howard Hinnant's date/tz over the system's zoneinfo)
  libhowardhinnant-date-dev tzdata
  # real components used by the demo, the tests and the benchmarks
  mosquitto mosquitto-clients systemd wrk curl python3
  # scanner tests: zint draws test symbols, umockdev fakes USB, hidraw and evdev devices
  zint umockdev libumockdev-dev
  # printing tests: a real cupsd with its backends, ippeveprinter (needs a system D-Bus), pdftoppm
  cups cups-daemon cups-client cups-ipp-utils dbus poppler-utils
  # the handheld app's end-to-end test: headless Chromium driven by playwright-core under Node.js
  chromium nodejs
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Debian's nodejs comes without npm (a separate package); other builds of nodejs bundle it.
if ! command -v npm >/dev/null 2>&1 && ! printf '%s\n' "${missing[@]}" | grep -qx nodejs; then
  missing+=(npm)
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if ! command -v npm >/dev/null 2>&1; then
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends npm
  fi
fi

# playwright-core only (it drives the Debian chromium; never a browser download), exactly as
# locked. The stamp holds the lock file's hash from the last successful install.
e2e=tests/e2e
stamp="$e2e/node_modules/.storeedge-lock.sha256"
want=$(sha256sum "$e2e/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: npm ci in $e2e"
  (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
else
  echo "setup: $e2e/node_modules up to date"
fi
