#!/usr/bin/env bash
# Fails when a tracked C++ file is not formatted per .clang-format (run from the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cc' '*.h' '*.cc.in' | grep -v '\.in$' || true)
[ ${#files[@]} -gt 0 ] || { echo "no C++ files found"; exit 1; }
clang-format --dry-run -Werror "${files[@]}"
echo "clang-format: ${#files[@]} files clean"
