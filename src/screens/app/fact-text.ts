import { shownFactParts } from '../../steps/facts.js';
import { healthStatus } from '../../steps/verify.js';
import { fit } from '../components/format.js';

/** One fact a step reported, nonce checked. */
export interface Fact {
  key: string;
  value: string;
}

/** The runbook's words for the facts its checks read most: `health 200, database 200`. */
const LABELS: Record<string, string> = {
  healthCode: 'health',
  databaseHealthCode: 'database',
  detailedHealth: 'detailed',
};

/** A value longer than this (a JSON body, a long path) is cut: the full text is in the export. */
const VALUE_MAX = 40;

/** `databaseHealthCode=200` → `database 200`, `diskUsedPercent=41` → `disk used 41%`, `previousCommit=ab12` → `previous commit ab12`. */
export function readableFact({ key, value }: Fact): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(' ');
  const unit = words.length > 1 && words.at(-1) === 'percent' ? '%' : '';
  if (words.length > 1 && (unit || words.at(-1) === 'code')) words.pop();
  const label = LABELS[key] ?? words.join(' ');
  const shown =
    key === 'detailedHealth' ? (healthStatus(value) ?? value) : value === '' ? '(empty)' : value;
  return `${label} ${fit(shown, VALUE_MAX)}${unit}`;
}

/** A step's facts as one line the operator reads at a glance. */
export const readableFacts = (facts: readonly Fact[]): string =>
  `· ${facts.map(readableFact).join(', ')}`;

/** One line of recorded output as the Logs pane and the step view show it. */
export interface ShownLine {
  text: string;
  source: 'step' | 'fact';
}

/**
 * A recorded output, its fact lines grouped into readable lines. The stored
 * transcript keeps facts in their shown form (`CVD-FACT key=value`, the
 * nonce removed), which a step's own output could print too: only a line
 * whose key and value the store recorded as a fact of this deployment is
 * read as one; any other line that looks like a marker stays inert text.
 */
export function readableOutput(output: string, recorded: Record<string, string>): ShownLine[] {
  const shown: ShownLine[] = [];
  let pending: Fact[] = [];
  const flush = () => {
    if (pending.length) shown.push({ text: readableFacts(pending), source: 'fact' });
    pending = [];
  };
  for (const text of output === '' ? [] : output.split('\n')) {
    const fact = shownFactParts(text);
    if (fact && recorded[fact.key] === fact.value) {
      pending.push(fact);
      continue;
    }
    flush();
    shown.push({ text, source: 'step' });
  }
  flush();
  return shown;
}
