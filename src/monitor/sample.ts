import type { TargetConfig } from '../config/types.js';
import { execWithFacts } from '../engine/execute.js';
import type { Facts } from '../steps/types.js';
import { targetShell } from '../steps/shell.js';
import { endpoint, tlsAddress } from '../steps/urls.js';
import {
  cpuBusyPercent,
  cpuFunction,
  memoryUsedPercent,
  parseCpuCounters,
  parseMemory,
  parseNumbers,
  type CpuCounters,
} from '../shell/measure.js';
import { sh, shq } from '../shell/quote.js';
import type { Transport } from '../transport/types.js';

/**
 * Where the previous sample left off. Each log is read from its byte offset
 * onwards, so a sample counts only lines written since the last one; `-1`
 * (the first sample) starts at the log's current end.
 */
export interface MonitorCursor {
  accessOffset: number;
  errorOffset: number;
  /** Absent on the first sample: the script then measures CPU over half a second itself. */
  cpu?: CpuCounters;
}

export const FIRST_CURSOR: MonitorCursor = { accessOffset: -1, errorOffset: -1 };

/** One reading of the runbook's Post-Deployment Monitoring metrics; a field is undefined when it was not measured. */
export interface MonitorSample {
  at: number;
  /** /health's HTTP status; 0 when nothing answered. */
  healthCode?: number;
  responseMs?: number;
  /** Requests and 5xx answers in access.log since the previous sample. */
  requests?: number;
  serverErrors?: number;
  cpuPercent?: number;
  memoryUsedPercent?: number;
  /** "database is locked" / lock timeout lines in error.log since the previous sample. */
  dbLocks?: number;
  /** undefined: publicUrl is not https, so there is no certificate to check. */
  certOk?: boolean;
  /** openssl's verify result, e.g. `0 (ok)`, or why there was none. */
  certDetail?: string;
  /** The whole sample failed (connection lost, no answer): nothing above was measured. */
  error?: string;
  /** Pass to the next sample. */
  cursor: MonitorCursor;
}

/**
 * Prints `NEWOFFSET LINES MATCHES` for the complete lines appended to a log
 * since OFFSET. A line still being written is left for the next sample, so
 * it is counted exactly once; a log smaller than OFFSET was rotated or
 * truncated and is read from its start. awk runs in the C locale so that
 * length() counts bytes, as the offset does. Run as the app user, who owns
 * the logs (the runbook read them as root, `sudo tail`).
 */
const LOG_WINDOW = String.raw`log_window() {
  local f=$1 off=$2 mode=$3 size last complete=0
  size=$(stat -c %s -- "$f" 2>/dev/null) || return 0
  if [ "$off" -lt 0 ]; then echo "$size 0 0"; return 0; fi
  [ "$size" -lt "$off" ] && off=0
  [ "$size" -gt "$off" ] || { echo "$off 0 0"; return 0; }
  last=$(tail -c +"$size" -- "$f" | head -c 1)
  [ -z "$last" ] && complete=1
  tail -c +$((off + 1)) -- "$f" | head -c $((size - off)) | LC_ALL=C awk -v base="$off" -v complete="$complete" -v mode="$mode" '
    function take(line) {
      used += length(line) + 1; lines++
      if (mode == "access") { if (match(line, /" [0-9][0-9][0-9] /) && substr(line, RSTART + 2, 1) == "5") hits++ }
      else if (tolower(line) ~ /database is locked|lock timeout|lock wait timeout/) hits++
    }
    NR > 1 { take(prev) }
    { prev = $0 }
    END { if (NR && complete) take(prev); print base + used, lines + 0, hits + 0 }'
}`;

/** The openssl lines that verify publicUrl's chain and name; nothing when publicUrl is not https. */
function certificateLines(target: TargetConfig): string[] {
  if (new URL(target.publicUrl).protocol !== 'https:') return [];
  const { host, port } = tlsAddress(target.publicUrl);
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  // A valid chain for another name is no valid certificate for this site, so the name is verified too.
  const name = /^[\d.]+$|:/.test(bare)
    ? sh`-verify_ip ${bare}`
    : sh`-servername ${host} -verify_hostname ${host}`;
  const ca = target.caFile ? sh` -CAfile ${target.caFile}` : '';
  const connect = sh`timeout 10 openssl s_client -connect ${`${host}:${port}`}`;
  return [
    `cert=$(${connect} ${name}${ca} -verify_return_error </dev/null 2>&1)`,
    `fact cert "$(printf '%s\\n' "$cert" | sed -n 's/^ *Verify return code: //p' | tail -n 1)"`,
    `fact certError "$(printf '%s\\n' "$cert" | grep -m 1 -iE 'errno|error' | tr -d '\\n' | cut -c 1-160)"`,
  ];
}

/**
 * One read-only script, one round trip: /health's status and time, the new
 * lines of access.log and error.log, CPU, memory and the certificate, as
 * CVD-FACT lines. CPU is the busy share since the previous sample's counters
 * (an average over the whole interval, not a half-second snapshot); the
 * first sample has none and measures half a second.
 */
export function sampleScript(target: TargetConfig, cursor: MonitorCursor): string {
  const t = targetShell(target);
  const { logs } = target.paths;
  const readLog = (file: string, offset: number, mode: string) =>
    t.asApp(`${LOG_WINDOW}\nlog_window "$@"`, shq(file), String(offset), mode);
  return t.script(
    cpuFunction(),
    sh`fact health "$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 ${endpoint(target.appUrl, '/health')} || true)"`,
    `fact access "$(${readLog(`${logs}/access.log`, cursor.accessOffset, 'access')})"`,
    `fact errorLog "$(${readLog(`${logs}/error.log`, cursor.errorOffset, 'locks')})"`,
    ...(cursor.cpu ? [] : ['fact cpuStart "$(cpu)"', 'sleep 0.5']),
    'fact cpu "$(cpu)"',
    `fact memoryUsedPercent "$(${memoryUsedPercent()})"`,
    ...certificateLines(target),
  );
}

/** Reads the script's facts into a sample; a fact that is missing or garbled leaves its field undefined. */
export function parseSample(facts: Facts, cursor: MonitorCursor, at = Date.now()): MonitorSample {
  const next: MonitorCursor = { ...cursor };
  const sample: MonitorSample = { at, cursor: next };
  const health = parseNumbers(facts.health);
  if (health?.length === 2)
    [sample.healthCode, sample.responseMs] = [health[0]!, Math.round(health[1]! * 1000)];
  const access = parseNumbers(facts.access);
  if (access?.length === 3)
    [next.accessOffset, sample.requests, sample.serverErrors] = access as [number, number, number];
  const errorLog = parseNumbers(facts.errorLog);
  if (errorLog?.length === 3)
    [next.errorOffset, , sample.dbLocks] = errorLog as [number, number, number];
  const before = cursor.cpu ?? parseCpuCounters(facts.cpuStart);
  const now = parseCpuCounters(facts.cpu);
  if (now) next.cpu = now;
  if (before && now) sample.cpuPercent = cpuBusyPercent(before, now);
  sample.memoryUsedPercent = parseMemory(facts.memoryUsedPercent);
  if (facts.cert !== undefined) {
    sample.certOk = /^0 \(ok\)/.test(facts.cert);
    sample.certDetail =
      facts.cert || `no TLS handshake${facts.certError ? `: ${facts.certError}` : ''}`;
  }
  return sample;
}

/** Takes one sample over the transport; a lost connection or a hung target is reported as the sample's error. */
export async function takeSample(
  transport: Transport,
  target: TargetConfig,
  cursor: MonitorCursor,
): Promise<MonitorSample> {
  const at = Date.now();
  const result = await execWithFacts(transport, sampleScript(target, cursor), {
    timeoutMs: 30_000,
  });
  const { outcome } = result;
  if (outcome.kind === 'exited') return parseSample(result.facts, cursor, at);
  return {
    at,
    cursor,
    error:
      outcome.kind === 'lost'
        ? `connection lost: ${outcome.reason}`
        : 'the target did not answer within 30 s',
  };
}
