#!/usr/bin/env bash
# sync_bench: the OMS sync's ingest (100k allocation.created until the store's ack) and drain
# (100k offline facts until the OMS acknowledged all after the broker returns), each against a
# plain Paho baseline through a fresh mosquitto in the same run. See bench/README.md.
# Usage: bench/sync_bench.sh [BUILD_DIR] [sync_bench options...]
#        (default build/release; builds nothing itself; options such as --phase ingest or
#        --messages N go to sync_bench, see sync_bench --help)
set -euo pipefail

build_dir=build/release
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
  build_dir=$1
  shift
fi
bench=$build_dir/bench/sync_bench
daemon=$build_dir/edge/storeedged
ctl=$build_dir/edge/storeedgectl

die() {
  echo "sync_bench: $*" >&2
  exit 1
}
for exe in "$bench" "$daemon" "$ctl"; do
  [ -x "$exe" ] || die "$exe not found; build first: cmake --preset release -DBUILD_TESTING=OFF && ninja -C $build_dir"
done
if ! command -v mosquitto >/dev/null && [ ! -x /usr/sbin/mosquitto ]; then
  die "mosquitto is not installed (scripts/setup.sh installs it)"
fi

exec "$bench" --storeedged "$daemon" --storeedgectl "$ctl" "$@"
