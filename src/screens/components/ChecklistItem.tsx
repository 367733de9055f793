import type { HostEvidence } from '../../fleet/checklist.js';
import type { ChecklistItem } from '../../steps/checklist.js';
import type { ChecklistEntry } from '../app/state.js';
import { clock, fit } from './format.js';
import { Text } from './Text.js';
import { color } from './theme.js';

/** One item: its box, id and label, and its evidence (a fleet's: summed up over its hosts), red when a check failed. */
export function ItemRow({
  item,
  record,
  selected,
  labelWidth,
}: {
  item: ChecklistItem;
  record?: ChecklistEntry;
  selected: boolean;
  labelWidth: number;
}) {
  const red = record?.evidenceOk === false;
  const box = record?.checked ? '[x]' : '[ ]';
  return (
    <Text wrap="truncate-end" bold={selected}>
      <Text color={color('accent')}>{selected ? '▸ ' : '  '}</Text>
      <Text color={red ? color('error') : record?.checked ? color('ok') : undefined}>
        {box}{' '}
        {record?.evidence
          ? fit(`${item.id} ${item.label}`, labelWidth).padEnd(labelWidth)
          : `${item.id} ${item.label}`}
      </Text>
      {record?.evidence ? (
        <Text color={color(red ? 'error' : 'ok')}>
          {' '}
          {red ? '✗' : '✓'} {record.evidence}
        </Text>
      ) : null}
    </Text>
  );
}

/** Who ticked the item under the cursor and when, its evidence in full, and the reason of a red one. */
export function ItemDetail({ item, record }: { item: ChecklistItem; record?: ChecklistEntry }) {
  const parts = [
    record?.checked ? `ticked by ${record.by} at ${clock(record.at)}` : 'not ticked',
    record?.reason ? `reason: ${record.reason}` : undefined,
    record?.evidence
      ? `evidence: ${record.evidence}${record.evidenceOk === false ? ' (check failed)' : ''}`
      : undefined,
  ];
  return (
    <Text color={color('muted')} wrap="truncate-end">
      {item.id}: {parts.filter(Boolean).join(' · ')}
    </Text>
  );
}

/**
 * A fleet item's evidence, one host a line (the failing hosts first) in
 * `rows` lines; the hosts left over are summed up on the last one.
 */
export function HostEvidenceLines({
  hosts,
  rows,
}: {
  hosts: readonly HostEvidence[];
  rows: number;
}) {
  if (rows <= 0) return null;
  const shown = hosts.length <= rows ? hosts : hosts.slice(0, rows - 1);
  const rest = hosts.slice(shown.length);
  const failedRest = rest.filter((h) => h.ok === false).length;
  return (
    <>
      {shown.map((h) => (
        <Text key={h.host} wrap="truncate-end" color={color(h.ok === false ? 'error' : 'ok')}>
          {'    '}
          {h.host} {h.ok === false ? '✗' : '✓'} {h.text}
        </Text>
      ))}
      {rest.length ? (
        <Text wrap="truncate-end" color={color(failedRest ? 'error' : 'muted')}>
          {'    '}+{rest.length} more host{rest.length > 1 ? 's' : ''}
          {failedRest ? ` (${failedRest} failed)` : ' (ok)'}: {rest.map((h) => h.host).join(' ')}
        </Text>
      ) : null}
    </>
  );
}
