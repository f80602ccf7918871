#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything (tests included) and
# runs the whole default test suite. CI runs exactly this through .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset dev -DBUILD_TESTING=ON
cmake --build --preset dev
# Fuzz targets replay their seed corpora as ordinary tests; soak tests are excluded by the preset.
ctest --preset dev
