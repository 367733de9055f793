/**
 * The health endpoints measured on the target itself, for a server that does
 * not allow TCP forwarding (sshd `AllowTcpForwarding no`): curl runs there,
 * all three requests in one exec. What the app answers is hostile text: a
 * body is cut to BODY_LIMIT bytes and travels base64-encoded, on a line whose
 * status, time and curl exit code come from curl alone (`-w`, `$?`), so no
 * body can imitate a measurement.
 */
import type { TargetConfig } from '../config/types.js';
import { endpoint } from '../steps/urls.js';
import { healthStatus } from '../steps/verify.js';
import { sh } from '../shell/quote.js';
import type { Transport } from '../transport/types.js';
import { HEALTH_ENDPOINTS, type HealthReading } from './health-endpoints.js';

/** Bytes of a body kept: /health/detailed's JSON is far smaller. */
const BODY_LIMIT = 4096;
/** The file curl may write, in KiB (`ulimit -f`): a body streaming without end stops there. */
const FILE_LIMIT_KIB = 16;

/**
 * Prints one `CVD-HEALTH <name> <curl exit> <http code> <seconds> <base64 body>`
 * line per endpoint. curl writes the body to a private temporary file under a
 * file size limit (SIGXFSZ ignored, so curl sees a write error and still
 * reports the status) and the C locale keeps `time_total`'s decimal point.
 */
export function serverHealthScript(target: TargetConfig, timeoutMs: number): string {
  // Fractional seconds, read in the C locale like time_total.
  const seconds = String(timeoutMs / 1000);
  return [
    'd=$(mktemp -d) || exit 1',
    `trap 'rm -rf -- "$d"' EXIT`,
    'probe() {',
    '  local w rc',
    `  w=$(trap '' XFSZ; ulimit -f ${FILE_LIMIT_KIB}; LC_ALL=C exec curl -s --max-time ${seconds} -o "$d/body" -w '%{http_code} %{time_total}' -- "$2" 2>/dev/null); rc=$?`,
    `  printf 'CVD-HEALTH %s %s %s %s\\n' "$1" "$rc" "\${w:-000 0}" "$(head -c ${BODY_LIMIT} -- "$d/body" 2>/dev/null | base64 -w 0)"`,
    '  rm -f -- "$d/body"',
    '}',
    ...HEALTH_ENDPOINTS.map((e) => sh`probe ${e.name} ${endpoint(target.appUrl, e.path)}`),
  ].join('\n');
}

const LINE =
  /^CVD-HEALTH (health|detailed|database) (\d{1,3}) (\d{3}) (\d{1,5}(?:\.\d{1,6})?) ([A-Za-z0-9+/]*={0,2})$/;

/** Why curl got no HTTP answer, in the words the pane shows for a direct request. */
function curlError(exitCode: number, timeoutMs: number): string {
  if (exitCode === 7) return 'ECONNREFUSED (curl on the server could not connect)';
  if (exitCode === 28) return `no answer within ${timeoutMs} ms`;
  if (exitCode === 127) return 'curl is not installed on the target';
  return `curl on the server failed (exit ${exitCode})`;
}

/** The readings in the pane's order; an endpoint without a well-formed line has an error. */
export function parseServerHealth(output: string, timeoutMs: number): HealthReading[] {
  const lines = new Map<string, RegExpExecArray>();
  for (const line of output.split('\n')) {
    const match = LINE.exec(line);
    if (match && !lines.has(match[1]!)) lines.set(match[1]!, match);
  }
  return HEALTH_ENDPOINTS.map((e): HealthReading => {
    const match = lines.get(e.name);
    if (!match) return { name: e.name, path: e.path, error: 'no measurement from the server' };
    const [, , exitCode, code, seconds, body] = match as unknown as string[];
    if (code === '000')
      return { name: e.name, path: e.path, error: curlError(Number(exitCode), timeoutMs) };
    const reading: HealthReading = {
      name: e.name,
      path: e.path,
      code: Number(code),
      latencyMs: Math.round(Number(seconds) * 1000),
    };
    if (e.name !== 'detailed') return reading;
    return { ...reading, status: healthStatus(Buffer.from(body!, 'base64').toString('utf8')) };
  });
}

/** One poll over exec; a lost connection or a hung target is every reading's error. */
export async function readOnServer(
  transport: Transport,
  target: TargetConfig,
  timeoutMs: number,
): Promise<HealthReading[]> {
  // Three requests one after another, each bounded by curl, plus the exec itself.
  const budgetMs = HEALTH_ENDPOINTS.length * (timeoutMs + 1000) + 5000;
  const result = await transport.exec(serverHealthScript(target, timeoutMs), {
    timeoutMs: budgetMs,
  });
  if (result.outcome.kind === 'exited') {
    const { code } = result.outcome;
    const readings = parseServerHealth(result.output, timeoutMs);
    // No temporary directory (a full or read-only /tmp) is the likely cause; doctor finds the rest.
    return code === 0
      ? readings
      : readings.map((r) => (r.error ? { ...r, error: `${r.error} (exit ${code})` } : r));
  }
  const error =
    result.outcome.kind === 'lost'
      ? `connection lost: ${result.outcome.reason}`
      : `the target did not measure within ${budgetMs} ms`;
  return HEALTH_ENDPOINTS.map((e) => ({ name: e.name, path: e.path, error }));
}
