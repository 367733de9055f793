import type { TargetConfig } from '../config/types.js';
import { sh, shq } from '../transport/quote.js';

/**
 * Shell functions every step script starts with. `wait_for` replaces the
 * runbook's fixed sleeps: it polls a condition until a deadline, so a fast
 * service is not waited on and a slow one is not declared dead too early.
 */
const PRELUDE = String.raw`set -u -o pipefail
fact() { printf 'CVD-FACT %s=%s\n' "$1" "$2"; }
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" || true; }
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}`;

/** Ends the shared prelude of every step script: what follows is the step's own work. */
export const PRELUDE_END = '# --- step ---';

/** A step script split into the shared prelude and the step's own lines. */
export function splitScript(script: string): { prelude: string[]; body: string[] } {
  const lines = script.split('\n');
  const end = lines.indexOf(PRELUDE_END);
  return end < 0
    ? { prelude: [], body: lines }
    : { prelude: lines.slice(0, end), body: lines.slice(end + 1) };
}

/** Builds the commands of one target: sudo or not, its service manager, its URLs. */
export function targetShell(target: TargetConfig) {
  const asApp = (command: string) =>
    target.useSudo ? `sudo -n -u ${shq(target.appUser)} -- bash -c ${shq(command)}` : command;
  const asRoot = (command: string) =>
    target.useSudo ? `sudo -n -- bash -c ${shq(command)}` : command;
  const service = (action: string, unit = target.serviceName) =>
    unit ? sh`${target.serviceCtl} ${action} ${unit}` : sh`${target.serviceCtl} ${action}`;
  const curlTls = target.caFile ? sh`--cacert ${target.caFile}` : '';
  return {
    asApp,
    asRoot,
    service,
    /** Service manager actions that change state need root. */
    /** Prefix for one root command whose arguments the caller quotes itself. */
    rootPrefix: target.useSudo ? 'sudo -n -- ' : '',
    serviceAsRoot: (action: string) => asRoot(service(action)),
    /**
     * Runs as the app user inside the app directory (sudo keeps the working
     * directory). A subshell, so `inApp(a || b) | c` pipes the whole of it;
     * the leading space keeps `$(` + `(` from reading as arithmetic `$((`.
     */
    inApp: (command: string) => ` (${sh`cd -- ${target.paths.app} && `}${asApp(command)})`,
    /** `curl` options for the public HTTPS address (the demo trusts its own CA). */
    curlTls,
    script: (...lines: string[]) =>
      [
        PRELUDE,
        // systemctl is-active prints the state and exits non-zero unless active: keep the word, drop the status.
        `service_state() { ${service('is-active')} 2>/dev/null || true; }`,
        'service_is() { [ "$(service_state)" = "$1" ]; }',
        'service_stopped() { case "$(service_state)" in inactive|failed) return 0;; *) return 1;; esac; }',
        PRELUDE_END,
        ...lines,
      ].join('\n'),
  };
}
