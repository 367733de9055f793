#!/usr/bin/env bash
# The runbook's own scripts (phases 1-5), run as written against a demo
# sandbox: only paths, the user and the service commands are adapted. Its
# sleeps, its checks and its bugs (2.3 never sees TARGET_VERSION) are kept:
# this is the baseline cvd-tui is measured against, not a fixed version.
# Usage: runbook-by-hand.sh DEMO_DIR APP_PORT HTTPS_PORT
set -u
D=$1; APP="http://127.0.0.1:$2"; PUB="https://localhost:$3"; CA="$D/config/tls/cert.pem"
systemctl() { "$D/bin/cvdctl" "$@"; }
sudo() { while [ "${1:-}" = -u ] || [ "${1:-}" = cvdapp ]; do shift; done; "$@"; }
curl() { command curl --cacert "$CA" "$@"; }

# 1.1
echo "=== System Status Check ==="; df -h; free -h; uptime; systemctl status cvd
# 1.2
DEPLOYMENT_DATE=$(date +%Y%m%d_%H%M%S); DEPLOYMENT_DIR="$D/tmp/cvd_deployment_${DEPLOYMENT_DATE}"
mkdir -p "$DEPLOYMENT_DIR"; cd "$DEPLOYMENT_DIR"
# 1.3
sudo -u cvdapp sqlite3 "$D/data/cvd.db" ".backup $D/backups/pre_deploy_${DEPLOYMENT_DATE}.db"
sudo -u cvdapp sqlite3 "$D/backups/pre_deploy_${DEPLOYMENT_DATE}.db" "PRAGMA integrity_check;"
sudo tar -czf "$D/backups/app_backup_${DEPLOYMENT_DATE}.tar.gz" -C "$D/app" .
cd "$D/app"; CURRENT_VERSION=$(sudo -u cvdapp git rev-parse HEAD)
echo "Current version: $CURRENT_VERSION" > "$DEPLOYMENT_DIR/current_version.txt"
# 2.1
sudo systemctl stop cvd; sudo systemctl is-active cvd
# 2.2
cd "$D/app"
sudo -u cvdapp bash << 'EOF2'
git fetch origin
TARGET_VERSION="v1.0.1"
git checkout "$TARGET_VERSION"
DEPLOYED_VERSION=$(git rev-parse HEAD)
echo "Deployed version: $DEPLOYED_VERSION"
node --check server.mjs
EOF2
# 2.3 (as written: TARGET_VERSION is not set in this heredoc)
sudo -u cvdapp bash << 'EOF2'
if [ -f "migrations/migration_${TARGET_VERSION:-}.sql" ]; then echo "Running migration"; else echo "No migration required for this version"; fi
EOF2
# 2.4
if [ -f "$D/config/.env.new" ]; then echo "New environment configuration found"; else echo "No configuration changes required"; fi
if [ -f "$D/config/cvd.service.new" ]; then echo "Systemd service updated"; fi
# 3.1
sudo systemctl start cvd; sleep 10; sudo systemctl is-active cvd; sudo systemctl status cvd
# 3.2
sleep 30
HEALTH_CHECK=$(curl -s -o /dev/null -w "%{http_code}" "$APP/health"); [ "$HEALTH_CHECK" = 200 ] || exit 1
curl -s "$APP/health/detailed" | python3 -m json.tool
DB_HEALTH=$(curl -s -o /dev/null -w "%{http_code}" "$APP/health/database"); [ "$DB_HEALTH" = 200 ] || exit 1
# 3.3
curl -s -X POST "$APP/api/auth/login" -H "Content-Type: application/json" -d '{"username": "test_user", "password": "test_password"}'
curl -s -o /dev/null -w "%{http_code}\n" "$APP/api/devices"; curl -s -o /dev/null -w "%{http_code}\n" "$APP/api/planograms"
# 3.4
curl -s -o /dev/null -w "%{http_code}\n" "$PUB/health"
openssl s_client -connect "localhost:$3" </dev/null 2>/dev/null | openssl x509 -noout -dates | grep notAfter
# 4.1
sudo tail -n 100 "$D/logs/error.log" | grep -i error || echo "No errors found"
timeout 120 sudo tail -f "$D/logs/error.log" > /dev/null & TAIL_PID=$!
sleep 10
# 4.2
for i in {1..5}; do curl -s -w "%{time_total}\n" -o /dev/null "$APP/health"; done
df -h | grep -E "(Filesystem|/$)"; free -h; uptime
sudo -u cvdapp sqlite3 "$D/data/cvd.db" "SELECT COUNT(*) FROM users;"
# 4.3
for p in / /manifest.json /service-worker.js; do curl -s -o /dev/null -w "%{http_code}\n" "$PUB$p"; done
# 5.1
DEPLOYMENT_VERSION=$(cd "$D/app" && git rev-parse --short HEAD)
echo "Deployment completed: Version $DEPLOYMENT_VERSION at $(date)" >> "$D/logs/deployments.log"
# 5.2
kill $TAIL_PID 2>/dev/null || true; rm -rf "$DEPLOYMENT_DIR"
cd "$D/backups"; ls -t pre_deploy_*.db | tail -n +11 | xargs rm -f || true
ls -t app_backup_*.tar.gz | tail -n +11 | xargs rm -f || true
# 5.3
curl -s "$PUB/health/detailed" | python3 -c "import sys, json; sys.exit(0 if json.load(sys.stdin).get('status') == 'healthy' else 1)"
echo "Deployment completed successfully"
