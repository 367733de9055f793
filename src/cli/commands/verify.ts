import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readLog, type LogClaim } from '../../export/check-log.js';
import { checkSignature, SigningError } from '../../export/signature.js';
import { hashAt, recordProblems } from '../../state/audit.js';
import { defaultStatePath } from '../../state/open.js';
import { StateStore } from '../../state/store.js';
import { out } from '../../util/out.js';
import { printable } from '../../util/text.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';

/**
 * `verify FILE [--allowed-signers F] [--state [DB]]` and `verify --state [id]`.
 * Exit 0: everything checked holds; 1: something does not (each problem
 * named); 2: nothing to check (no such file, no state database).
 */
export function verify(args: ParsedArgs): number {
  const { file, id } = args;
  if (file !== undefined) return verifyFile(args, file);
  if (id === undefined && !args.options.checkState)
    throw new InputError(
      'verify needs an execution log file (cvd-tui verify FILE) or --state [id] for the state database',
    );
  const store = openState(args, true)!;
  try {
    return verifyState(store, id);
  } finally {
    store.close();
  }
}

/** The state database: named by --state or CVD_TUI_STATE, else the default one; undefined when there is none and none is `required`. */
function openState(args: ParsedArgs, required: boolean): StateStore | undefined {
  const path = args.options.state ?? defaultStatePath();
  if (existsSync(path)) return StateStore.open(path);
  if (required || args.options.checkState)
    throw new InputError(`no state database at ${printable(path)}: pass --state <file>`);
  return undefined;
}

function report(lines: string[], problems: string[], subject: string): number {
  const text = problems.length
    ? [...lines, `NOT VERIFIED: ${subject}`, ...problems.map((p) => `  - ${p}`)]
    : [...lines, `Verified: ${subject}`];
  out.write(`${text.join('\n')}\n`);
  return problems.length ? EXIT.notVerified : EXIT.ok;
}

function verifyState(store: StateStore, id: string | undefined): number {
  if (id && !store.deployment(id)) throw new InputError(`no deployment ${id} in ${store.db.name}`);
  const ids = id ? [id] : store.deployments(Number.MAX_SAFE_INTEGER).map((d) => d.id);
  const lines: string[] = [];
  const problems: string[] = [];
  for (const deployment of ids) {
    const found = recordProblems(store, deployment);
    const chained = store.chainHead(deployment)?.seq ?? 0;
    lines.push(
      `${deployment}: ${chained} events chained, ${found.length ? `${found.length} problem(s)` : 'intact'}`,
    );
    problems.push(...found.map((p) => `${deployment}: ${p}`));
  }
  return report(lines, problems, `state database ${store.db.name}`);
}

function verifyFile(args: ParsedArgs, file: string): number {
  if (!existsSync(file)) throw new InputError(`no execution log at ${printable(file)}`);
  const content = readFileSync(file);
  const claim = readLog(content.toString('utf8'));
  if (!claim)
    throw new InputError(
      `${printable(file)} is not an execution log (cvd-tui export, JSON or Markdown)`,
    );
  const signature = signatureOf(file, content, args.options.allowedSigners);
  const lines = signature.ok ? [`signature: ${signature.message}`] : [];
  const problems = signature.ok ? [] : [`signature: ${signature.message}`];
  problems.push(...claim.problems);
  if (claim.chain)
    lines.push(
      `record: deployment ${claim.deploymentId}, ${claim.chain.length} events, chain head ${claim.chain.head}`,
    );
  const store = openState(args, false);
  try {
    const state = stateAgrees(store, claim);
    return report([...lines, ...state.ok], [...problems, ...state.problems], file);
  } finally {
    store?.close();
  }
}

function signatureOf(file: string, content: Buffer, given: string | undefined) {
  const signature = `${file}.sig`;
  if (!existsSync(signature))
    return { ok: false, message: `${signature} is missing: the log is not signed (export --sign)` };
  const fallback = join(homedir(), '.ssh', 'allowed_signers');
  const allowed = given ?? (existsSync(fallback) ? fallback : undefined);
  if (given && !existsSync(given))
    throw new InputError(`no allowed signers file at ${printable(given)}`);
  try {
    return checkSignature(content, signature, allowed);
  } catch (error) {
    if (error instanceof SigningError) throw new InputError(error.message);
    throw error;
  }
}

/** The log's chain head must be a link of the state database's chain: then the two tell the same story. */
function stateAgrees(store: StateStore | undefined, claim: LogClaim) {
  const id = claim.deploymentId;
  if (!store || !store.deployment(id))
    return {
      ok: [`state database: no record of ${id} here; the log was checked on its own`],
      problems: [],
    };
  const where = `state database ${store.db.name}`;
  if (!claim.chain) return { ok: [], problems: ['the log carries no chain head to compare'] };
  const damaged = recordProblems(store, id);
  if (damaged.length) return { ok: [], problems: damaged.map((p) => `${where}: ${p}`) };
  const hash = hashAt(store, id, claim.chain.length);
  return hash === claim.chain.head
    ? { ok: [`${where}: event #${claim.chain.length} has the same hash`], problems: [] }
    : {
        ok: [],
        problems: [
          `${where}: its event #${claim.chain.length} of ${id} ${hash ? 'has another hash' : 'does not exist'}: the log does not match the record`,
        ],
      };
}
