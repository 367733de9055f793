#!/usr/bin/env bash
# systemctl's stand-in on the production-like test host (test/helpers/prodhost.ts),
# installed root-owned at a system path:
#   cvdctl start|stop|restart|status|is-active|daemon-reload [cvd[.service]|nginx[.service]]
# Like systemctl: anyone may ask (status, is-active); only root changes state,
# and the app runs as the app user, never as root. Unlike the demo's cvdctl,
# its state lives outside the app's 0750 tree (as systemd's does), and it
# never needs to read another user's /proc/PID/exe to know its app.
set -u
APP_USER=@@APP_USER@@
CVD_HOME=@@CVD_HOME@@
NODE=@@NODE@@
RUN=@@RUN@@
UNIT_FILE=@@UNIT_FILE@@
NGINX_PID_FILE=@@NGINX_PID_FILE@@
SERVER="$CVD_HOME/app/server.mjs"
PID_FILE="$RUN/cvd.pid"

alive() { [ -e "/proc/$1" ] && ! grep -q ') Z ' "/proc/$1/stat" 2>/dev/null; }

# The app: node, owned by the app user, running this host's server.mjs.
is_app() {
  alive "$1" && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = node ] &&
    [ "$(stat -c %U "/proc/$1" 2>/dev/null)" = "$APP_USER" ] &&
    tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qxF -- "$SERVER"
}

recorded_pid() {
  local pid
  [ -f "$1" ] && read -r pid <"$1" && [[ "$pid" =~ ^[0-9]+$ ]] && echo "$pid"
}

app_state() {
  local pid
  if pid=$(recorded_pid "$PID_FILE"); then
    if is_app "$pid"; then echo active
    elif alive "$pid"; then echo activating # still exec'ing its way to node
    else echo failed; fi # died without `stop`, as systemd reports it
  else echo inactive; fi
}

nginx_state() {
  local pid
  pid=$(recorded_pid "$NGINX_PID_FILE") && alive "$pid" &&
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = nginx ] && echo active || echo inactive
}

need_root() {
  [ "$(id -u)" = 0 ] && return 0
  echo "Failed to $1 ${unit}.service: Access denied" >&2
  exit 4
}

start() {
  [ "$(app_state)" = active ] && return 0
  # setpriv execs (runuser would fork), so $! becomes node; the logs are opened
  # by the app user's shell, so they stay the app user's files.
  setsid setpriv --reuid="$APP_USER" --regid="$APP_USER" --init-groups -- \
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ LANG=C.UTF-8 CVD_HOME="$CVD_HOME" \
    bash -c 'cd -- "$1/app" && exec "$2" "$3" >>"$1/logs/app.log" 2>>"$1/logs/error.log"' \
    _ "$CVD_HOME" "$NODE" "$SERVER" </dev/null >/dev/null 2>&1 &
  local pid=$! tries=100
  echo "$pid" >"$PID_FILE.tmp" && mv -f "$PID_FILE.tmp" "$PID_FILE"
  while [ "$(app_state)" = activating ] && [ "$tries" -gt 0 ]; do
    sleep 0.05
    tries=$((tries - 1))
  done
}

stop() {
  local pid tries=200
  if pid=$(recorded_pid "$PID_FILE") && is_app "$pid"; then
    kill -TERM "$pid"
    while is_app "$pid" && [ "$tries" -gt 0 ]; do
      sleep 0.05
      tries=$((tries - 1))
    done
    is_app "$pid" && kill -KILL "$pid"
  fi
  rm -f "$PID_FILE"
}

status() {
  local s=$1 description
  description=$(sed -n 's/^Description=//p' "$UNIT_FILE" 2>/dev/null | head -n 1)
  echo "● ${unit}.service - ${description:-$unit}"
  echo "     Loaded: loaded ($UNIT_FILE; enabled; preset: enabled)"
  case "$s" in
    active) echo "     Active: active (running)" ;;
    failed) echo "     Active: failed (Result: exit-code)" ;;
    activating) echo "     Active: activating (start)" ;;
    *) echo "     Active: inactive (dead)" ;;
  esac
  [ "$s" = active ]
}

verb=""
unit=cvd
for arg in "$@"; do
  case "$arg" in
    -*) ;;
    *) if [ -z "$verb" ]; then verb=$arg; else unit=${arg%.service}; fi ;;
  esac
done
case "$unit" in
  cvd) state=app_state ;;
  nginx) state=nginx_state ;;
  *) echo "Unit ${unit}.service could not be found." >&2; exit 4 ;;
esac
case "$verb" in
  is-active) s=$($state); echo "$s"; [ "$s" = active ] || exit 3 ;;
  status) status "$($state)" || exit 3 ;;
  daemon-reload) need_root reload ;;
  start | stop | restart)
    need_root "$verb"
    [ "$unit" = cvd ] || { echo "cvdctl: the test harness runs $unit itself" >&2; exit 1; }
    case "$verb" in
      start) start ;;
      stop) stop ;;
      restart) stop && start ;;
    esac ;;
  *) echo "usage: cvdctl start|stop|restart|status|is-active|daemon-reload [unit]" >&2; exit 2 ;;
esac
