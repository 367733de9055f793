#!/usr/bin/env bash
# The floor (issue 15): the irreducible work of a v1.0.1 deployment, run back
# to back against a demo sandbox with no checks, no journal and no records.
# Whatever cvd-tui spends beyond this is its own cost: verifications, the
# journal, the state database, the transport.
# Usage: floor.sh DEMO_DIR APP_PORT LOG_WINDOW_SECONDS
set -eu
D=$1; APP="http://127.0.0.1:$2"; WINDOW=$3
NOW=$(date +%Y%m%d_%H%M%S)

sqlite3 "$D/data/cvd.db" ".backup $D/backups/pre_deploy_$NOW.db"
tar -czf "$D/backups/app_backup_$NOW.tar.gz" -C "$D/app" .
"$D/bin/cvdctl" stop
cd "$D/app"
git fetch -q --tags origin
git checkout -q --detach refs/tags/v1.0.1
node --check server.mjs
{ printf '.bail on\nBEGIN;\n'; cat migrations/migration_v1.0.1.sql; printf '\nCOMMIT;\n'; } | sqlite3 "$D/data/cvd.db"
"$D/bin/cvdctl" start
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$APP/health")" = 200 ]; do sleep 0.05; done
sleep "$WINDOW"
echo "floor done"
