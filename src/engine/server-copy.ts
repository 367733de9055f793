import type { TargetConfig } from '../config/types.js';
import { buildExecutionLog } from '../export/build.js';
import { toMarkdown } from '../export/markdown.js';
import type { StateStore } from '../state/store.js';
import { asApp } from '../steps/privilege.js';
import { sh } from '../shell/quote.js';
import { inertJson } from '../util/text.js';
import type { Transport } from '../transport/types.js';

/** Long enough for megabytes over a slow link; short enough that a frozen server does not hold up the end of a deployment. */
const COPY_TIMEOUT_MS = 20_000;

/** Where the server keeps its own copy of a deployment's execution log. */
const serverCopyDir = (target: TargetConfig, deploymentId: string) =>
  `${target.paths.deployments}/${deploymentId}`;

/**
 * Writes the execution log (Markdown and JSON) into the deployment's
 * directory on the target, so the server keeps its own history if the jump
 * host and its state database are lost. As the app user, who owns that
 * directory on a hardened host; the content goes on stdin, never on a
 * command line, and lands by rename, so a reader never sees half a file.
 * Returns why it could not, if it could not: the deployment's outcome stands either way.
 */
export async function writeServerCopy(
  transport: Transport,
  store: StateStore,
  target: TargetConfig,
  deploymentId: string,
): Promise<{ written: string } | { failed: string }> {
  const log = buildExecutionLog(store, deploymentId, target.thresholds.maxRegressionPercent);
  const dir = serverCopyDir(target, deploymentId);
  const files = {
    'execution-log.md': toMarkdown(log),
    'execution-log.json': `${inertJson(log)}\n`,
  };
  // Both at once: each lands in its own file by its own rename, and the deployment's end waits for one round trip, not two.
  const writes = Object.entries(files).map(async ([name, content]) => {
    const file = `${dir}/${name}`;
    const write = sh`mkdir -p -- ${dir} && umask 027 && cat > ${file + '.tmp'} && mv -f -- ${file + '.tmp'} ${file}`;
    const result = await transport.exec(asApp(target, write), {
      stdin: content,
      timeoutMs: COPY_TIMEOUT_MS,
    });
    return result.outcome.kind !== 'exited' || result.outcome.code !== 0
      ? `${file}: ${result.output.trim() || result.outcome.kind}`
      : undefined;
  });
  const failed = (await Promise.all(writes)).find((failure) => failure !== undefined);
  return failed ? { failed } : { written: `${dir}/execution-log.{md,json}` };
}
