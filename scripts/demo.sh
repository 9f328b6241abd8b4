#!/usr/bin/env bash
# Sets up, builds, and starts Jingban with demo staff on an embedded SQLite file.
#   PORT (default 8080), DB (default ./jingban-demo.db)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec ./build/jingban serve --port "${PORT:-8080}" --db "${DB:-jingban-demo.db}" --demo
