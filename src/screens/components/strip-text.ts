import type { TargetState } from '../../engine/target-state.js';
import type { Tone } from './theme.js';

/** One part of the status strip: its words, shorter words for narrow terminals, and its tone. */
export interface StripPart {
  text: string;
  /** @default text */
  short?: string;
  tone?: Tone;
  bold?: boolean;
}

/** A downtime as a counter: `00:42`, `12:03`, `1:02:03`. */
export function downtime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${clock}` : clock;
}

function servicePart(s: TargetState | undefined, name: string, now: number): StripPart {
  if (s?.downSince !== undefined) {
    const text = `${name} DOWN ${downtime(now - s.downSince)}`;
    return s.service === 'starting'
      ? { text: `${text} (${s.startStep} starting)`, short: text, tone: 'error', bold: true }
      : { text, tone: 'error', bold: true };
  }
  switch (s?.service ?? 'untouched') {
    case 'up':
      return {
        text: `${name} up, serving ${s?.serving ?? '?'}`,
        short: `${name} up ${s?.serving ?? '?'}`,
        tone: 'ok',
      };
    case 'stopping':
      return { text: `${name} stopping`, tone: 'warn', bold: true };
    case 'unknown':
      return { text: `${name} state unknown`, short: `${name} ?`, tone: 'warn', bold: true };
    default:
      return { text: `${name} untouched`, tone: 'muted' };
  }
}

const MIGRATION: Record<TargetState['migration'], StripPart> = {
  pending: { text: 'not migrated yet', short: 'db as was' },
  none: { text: 'no migration needed', short: 'db unchanged' },
  applied: { text: 'migrated', tone: 'warn' },
  failed: { text: 'migration FAILED', tone: 'error' },
  restored: { text: 'db restored', tone: 'ok' },
};

const ROLLBACK: Record<TargetState['rollback'], StripPart> = {
  ready: { text: 'rollback ready', short: 'R ready' },
  none: { text: 'nothing to roll back', short: 'no rollback' },
  running: { text: 'rolling back', tone: 'warn' },
  done: { text: 'rolled back', tone: 'ok' },
};

/**
 * The strip's parts, most important first: the service (with the downtime
 * counter while it is down), the code checked out, the database, the
 * rollback, the lock. Without a deployment: only what preflight saw.
 */
export function stripParts(
  s: TargetState | undefined,
  o: { serviceName: string; now: number; code?: string },
): StripPart[] {
  const code = s ? s.code : o.code;
  const parts = [servicePart(s, o.serviceName, o.now), { text: `code ${code ?? '?'}` }];
  if (!s) return [...parts, { text: 'no deployment in progress', short: 'no deployment' }];
  const migration = MIGRATION[s.migration];
  return [
    ...parts,
    s.migration === 'applied' && s.migrated
      ? { ...migration, text: `migrated ${s.migrated}`, short: 'migrated' }
      : migration,
    ROLLBACK[s.rollback],
    { text: s.lockHolder ? `lock ${s.lockHolder}` : 'lock free' },
  ];
}

/** Between the strip's parts. */
export const STRIP_SEPARATOR = ' · ';

/**
 * The parts that fit `width` on one line: their full words, else their short
 * ones, else the last parts dropped (the service always stays).
 */
export function fitStrip(parts: readonly StripPart[], width: number): string[] {
  const long = parts.map((p) => p.text);
  const short = parts.map((p) => p.short ?? p.text);
  const fits = (texts: string[]) => texts.join(STRIP_SEPARATOR).length <= width;
  if (fits(long)) return long;
  for (let n = short.length; n > 1; n--) if (fits(short.slice(0, n))) return short.slice(0, n);
  return short.slice(0, 1);
}
