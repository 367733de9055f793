import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TuiCore } from '../app/core.js';
import { errorMessage } from '../../util/error.js';

/** `e`: writes an execution log (Markdown) of deployment or fleet `id` where the TUI exports, and says where. */
export function writeExecutionLog(core: TuiCore, id: string, markdown: () => string): void {
  const file = join(core.deps.exportDir, `cvd-deployment-${id}.md`);
  try {
    writeFileSync(file, markdown(), { mode: 0o600 });
    core.notify(`Execution log written to ${file}`, 'ok');
  } catch (error) {
    core.notify(`Could not write ${file}: ${errorMessage(error)}`, 'error');
  }
}
