import { Text } from './Text.js';
import { color } from './theme.js';

export interface IssuesNoteProps {
  issues: readonly string[];
  resolution: string | null;
}

/** Issues listed, one a line; more are counted (the export has them all) so the checklists keep their room. */
const MAX_ISSUE_LINES = 3;
const LABEL = 'Issues encountered: ';

/** The issue lines IssuesNote shows, the last one counting those left out. */
function issueLines(issues: readonly string[]): string[] {
  if (!issues.length) return ['none recorded'];
  if (issues.length <= MAX_ISSUE_LINES) return [...issues];
  const shown = issues.slice(0, MAX_ISSUE_LINES - 1);
  return [...shown, `… and ${issues.length - shown.length} more (in the export)`];
}

/** Rows IssuesNote takes: none when there is nothing to say. */
export const issuesNoteRows = ({ issues, resolution }: IssuesNoteProps): number =>
  issues.length || resolution ? issueLines(issues).length + 1 : 0;

/** The Execution Log's "Issues Encountered" and "Resolution", as recorded. */
export function IssuesNote({ issues, resolution }: IssuesNoteProps) {
  if (!issuesNoteRows({ issues, resolution })) return null;
  return (
    <>
      {issueLines(issues).map((line, i) => (
        <Text key={i} wrap="truncate-end">
          <Text bold>{i === 0 ? LABEL : ' '.repeat(LABEL.length)}</Text>
          <Text color={color(issues.length ? 'warn' : 'muted')}>{line}</Text>
        </Text>
      ))}
      <Text wrap="truncate-end">
        <Text bold>Resolution: </Text>
        <Text color={color(resolution ? 'info' : 'muted')}>{resolution ?? 'none recorded'}</Text>
      </Text>
    </>
  );
}
