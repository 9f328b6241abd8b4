#!/usr/bin/env bash
# Sets up, builds, and runs every test: catalog check, unit tests, HTTP integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
ctest --test-dir build --output-on-failure -j2
