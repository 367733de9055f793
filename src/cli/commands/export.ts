import { writeFileSync } from 'node:fs';
import { buildExecutionLog } from '../../export/build.js';
import { toMarkdown } from '../../export/markdown.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../exit.js';
import { pickDeployment } from '../open-runner.js';
import { openSession } from '../session.js';
import { err } from '../../util/out.js';
import { inertJson, printable } from '../../util/text.js';

/** `export [id] --format md|json --out FILE`: the execution log of one deployment. */
export function exportLog(args: ParsedArgs): number {
  const format = args.options.format ?? 'md';
  if (format !== 'md' && format !== 'json')
    throw new InputError(`--format must be md or json, not "${printable(format)}"`);
  const session = openSession(args.options);
  try {
    const deployment = pickDeployment(session, args.id, (s) => s.store.latest(s.name), 'recorded');
    const log = buildExecutionLog(
      session.store,
      deployment.id,
      session.target.thresholds.maxRegressionPercent,
    );
    const text = format === 'json' ? `${inertJson(log)}\n` : toMarkdown(log);
    if (args.options.out) {
      writeFileSync(args.options.out, text, { mode: 0o600 });
      err.write(`Execution log written to ${args.options.out}\n`);
    } else {
      // As it is: both formats are inert by construction, and no line of a document is cut.
      process.stdout.write(text);
    }
    return EXIT.ok;
  } finally {
    session.store.close();
  }
}
