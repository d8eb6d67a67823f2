#!/usr/bin/env bash
# Rebuild the initial migration from the models, against an empty scratch SQLite database.
# Only for use before the first release: once a schema has shipped, add new migrations instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
rm -f migrations/versions/0001_initial.py
DATABASE_URL="sqlite:///$scratch/empty.sqlite3" PRESSOFFICE_ENV=development \
  .venv/bin/pressoffice db migrate --rev-id 0001 -m initial >"$scratch/log" 2>&1 || { cat "$scratch/log"; exit 1; }
.venv/bin/ruff format --quiet migrations/versions/0001_initial.py 2>/dev/null || true
echo "migrations/versions/0001_initial.py rebuilt from the models"
