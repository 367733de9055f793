import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildExecutionLog } from '../../src/export/build.js';
import { toMarkdown } from '../../src/export/markdown.js';
import { StateStore } from '../../src/state/store.js';

const dir = mkdtempSync(join(tmpdir(), 'cvd-md-inert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One deployment whose step output, summary, issue and resolution were written by an attacker. */
function hostileMarkdown(): string {
  const store = StateStore.open(join(dir, 'state.db'));
  const id = '20261127_220000_ab12';
  store.createDeployment({
    id,
    target: 'prod',
    operator: 'alice',
    jumpHost: 'jump-1',
    versionFrom: 'v1.0.0',
    versionTo: 'v1.0.1',
    startedAt: Date.UTC(2026, 10, 27, 22),
  });
  const attempt = store.beginAttempt(id, '1.1', 'echo hi', 'alice', 'step started');
  store.appendOutput(id, '1.1', attempt, [
    'before',
    '```',
    '````',
    '</details>',
    '# not a heading',
    '\u001b]0;PWNED\u0007 \u001b[2J',
  ]);
  store.finishAttempt(id, '1.1', attempt, {
    status: 'failed',
    exitCode: 1,
    summary: 'a \\| b | c <!-- hidden\n# Injected heading [click](http://evil.example/)',
  });
  store.addIssue(id, 'alice', 'issue </details> <img src=x>');
  store.setResolution(id, 'fixed\n## Forged section');
  const markdown = toMarkdown(buildExecutionLog(store, id));
  store.close();
  return markdown;
}

describe('Markdown export of hostile text', () => {
  const markdown = hostileMarkdown();

  it('keeps every output line inside its code block: the fence is longer than any backtick run', () => {
    expect(markdown).toContain(
      '`````\nbefore\n```\n````\n</details>\n# not a heading\n\\x1b]0;PWNED\\x07 \\x1b[2J\n`````',
    );
  });

  it('keeps values on their line, in their table cell, and out of HTML and links', () => {
    const summary =
      'a \\\\\\| b \\| c &lt;!-- hidden\\x0a# Injected heading [click]\\(http://evil.example/)';
    expect(markdown).toContain(`| 1.1 | Environment Verification | failed | 1 | 1 | ${summary} |`);
    expect(markdown).toContain('- Issues Encountered: issue &lt;/details> &lt;img src=x> (alice, ');
    expect(markdown).toContain('- Resolution: fixed\\x0a## Forged section\n');
    // No line of the document starts a heading the steps did not write.
    expect(markdown.split('\n').filter((l) => /^#+ (Injected|Forged)/.test(l))).toEqual([]);
  });
});
