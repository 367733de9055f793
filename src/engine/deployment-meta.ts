import type { TargetConfig } from '../config/types.js';
import type { DeploymentRecord } from '../state/types.js';
import { asApp } from '../steps/privilege.js';
import { sh } from '../shell/quote.js';
import type { Transport } from '../transport/types.js';

/**
 * `<deployments>/<id>/meta`: who started the deployment, from what version
 * to what, and when, written on the target beside the journal so that
 * `recover` can rebuild the record when the state database is gone.
 * `key=value` lines; read back as hostile text (recover validates each value).
 * A fleet's host also names its fleet and group (`fleet`, `group`), so that
 * recover can rebuild the fleet; older metadata lacks them.
 */
export type DeploymentMeta = Pick<
  DeploymentRecord,
  'id' | 'target' | 'operator' | 'jumpHost' | 'versionTo' | 'startedAt'
> & { versionFrom: string; fleet?: string; group?: string };

const KEYS = [
  'id',
  'target',
  'operator',
  'jumpHost',
  'versionFrom',
  'versionTo',
  'startedAt',
] as const;
/** Written only for a fleet's host. */
const FLEET_KEYS = ['fleet', 'group'] as const;

export const metaPath = (deployments: string, id: string) => `${deployments}/${id}/meta`;

export function formatMeta(meta: DeploymentMeta): string {
  return [...KEYS, ...FLEET_KEYS.filter((k) => meta[k] !== undefined)]
    .map((k) => `${k}=${String(meta[k]).replace(/\n/g, ' ')}`)
    .join('\n');
}

export function parseMeta(text: string): DeploymentMeta | undefined {
  const map = new Map(
    text.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  if (!KEYS.every((k) => map.has(k))) return undefined;
  const startedAt = Number(map.get('startedAt'));
  if (!Number.isSafeInteger(startedAt)) return undefined;
  return {
    id: map.get('id')!,
    target: map.get('target')!,
    operator: map.get('operator')!,
    jumpHost: map.get('jumpHost')!,
    versionFrom: map.get('versionFrom')!,
    versionTo: map.get('versionTo')!,
    startedAt,
    ...Object.fromEntries(FLEET_KEYS.flatMap((k) => (map.has(k) ? [[k, map.get(k)!]] : []))),
  };
}

/** Writes the metadata (as the app user, like the journal); throws when the target refuses. */
export async function writeMeta(
  transport: Transport,
  target: TargetConfig,
  meta: DeploymentMeta,
): Promise<void> {
  const file = metaPath(target.paths.deployments, meta.id);
  const result = await transport.exec(
    asApp(
      target,
      sh`mkdir -p -- ${`${target.paths.deployments}/${meta.id}`} && printf '%s\n' ${formatMeta(meta)} > ${file + '.tmp'} && mv -f -- ${file + '.tmp'} ${file}`,
    ),
    { timeoutMs: 30_000 },
  );
  if (result.outcome.kind !== 'exited' || result.outcome.code !== 0)
    throw new Error(
      `could not record the deployment on the target (${metaPath(target.paths.deployments, meta.id)}): check that ${target.appUser} can write there (cvd-tui doctor)`,
    );
}
