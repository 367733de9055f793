import { Box } from 'ink';
import type { FleetView } from '../../fleet/view.js';
import { Text } from './Text.js';
import { color } from './theme.js';

/** `<title> · web (3 hosts) · → v1.0.1 · alice · <id>`, the status on the right. */
export function FleetHeader({
  title,
  view,
  operator,
  width,
}: {
  /** The screen's name: `cvd-tui Fleet`, `cvd-tui Fleet Checklist`. */
  title: string;
  view: FleetView;
  operator: string;
  width: number;
}) {
  const status = `[${view.status.replace('_', ' ')}]`;
  const room = width - title.length - status.length - 1;
  const group = `${view.group} (${view.hosts.length} hosts)`;
  const forms = [
    ` · ${group} · → ${view.versionTo} · ${operator} · ${view.id}`,
    ` · ${group} · → ${view.versionTo} · ${operator}`,
  ];
  const tone =
    view.status === 'failed' || view.halted
      ? 'error'
      : view.status === 'succeeded' || view.status === 'rolled_back'
        ? 'ok'
        : 'info';
  return (
    <Box width={width} height={1}>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end">
          <Text bold color={color('accent')}>
            {title}
          </Text>
          {forms.find((f) => f.length <= room) ?? forms[1]}
        </Text>
      </Box>
      <Box flexShrink={0} marginLeft={1}>
        <Text color={color(tone)} bold>
          {status}
        </Text>
      </Box>
    </Box>
  );
}
