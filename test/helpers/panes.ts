/**
 * Reads a bordered pane out of a screen (an Ink frame without ANSI codes, or
 * a tmux capture-pane): the rows between its side edges, top to bottom.
 * Shared by the ink-testing-library and the tmux tests of issue 13 (Tab must
 * not cost any pane its first line).
 */
export function paneRows(screen: string, title: string): string[] | undefined {
  const lines = screen.split('\n');
  const top = lines.findIndex((line) => /[╭┏][─━] /.test(line) && lineTitle(line, title) >= 0);
  if (top < 0) return undefined;
  const left = lineTitle(lines[top]!, title);
  const right = lines[top]!.slice(left).search(/[╮┓]/) + left;
  if (right < left) return undefined;
  const rows: string[] = [];
  for (const line of lines.slice(top + 1)) {
    if (/[╰┗]/.test(line[left] ?? '')) return rows;
    rows.push(line.slice(left + 1, right));
  }
  return undefined;
}

/** The column of the top-left corner of the pane titled `title` on this line, or -1. */
function lineTitle(line: string, title: string): number {
  const at = Math.max(line.indexOf(`╭─ ${title} `), line.indexOf(`┏━ ${title} `));
  return at;
}

/** The first row of the pane titled `title`, without trailing blanks ('' for none drawn). */
export const firstRow = (screen: string, title: string): string =>
  (paneRows(screen, title)?.[0] ?? '').trimEnd();
