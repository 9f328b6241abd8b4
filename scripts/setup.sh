#!/usr/bin/env bash
# Installs what Jingban needs on Debian 12 (only what is missing; quick when all is there)
# and builds it into build/.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build pkg-config python3 libboost-dev libyaml-cpp-dev nlohmann-json3-dev rapidjson-dev
          libsodium-dev libssl-dev libsqlite3-dev libjemalloc-dev libgtest-dev libbenchmark-dev
          libspdlog-dev libxlsxwriter-dev ccache
          libcairo2-dev libpango1.0-dev fonts-noto-cjk libqrencode-dev poppler-utils zbar-tools)
# The notifications' webhook sender (an SMS gateway behind a URL) posts with libcurl.
packages+=(libcurl4-openssl-dev)
# The browser UI's tests drive Debian's Chromium (web/tests/browser; no browser is downloaded).
packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE"
fi
ninja -C build

# The browser UI (web/): npm ci only when package-lock.json changed since the last install, then
# the build (it regenerates the API client from build/jingban, type-checks and bundles to
# web/dist, which `jingban serve` serves under /). CI has node 20 and npm.
if command -v npm >/dev/null 2>&1; then
  lock_sum=$(sha256sum web/package-lock.json | cut -d' ' -f1)
  if [ ! -d web/node_modules ] || [ "$(cat web/.npm-ci-stamp 2>/dev/null)" != "$lock_sum" ]; then
    (cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    echo "$lock_sum" > web/.npm-ci-stamp
  fi
  (cd web && JINGBAN_BIN=../build/jingban npm run --silent build)
else
  echo "setup: npm not found; the browser UI (web/) is not built and its tests will fail" >&2
fi
