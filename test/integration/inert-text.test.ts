/**
 * Text from the target, the app or a config file reaches the operator's
 * terminal and the Markdown export inert: escape sequences shown as `\x1b`,
 * never acting. Real demo target, real app, the built CLI.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli, startCli, type CliResult, headlessDeploy } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';

const ESC = '\u001b';
const BEL = '\u0007';
/** A window title, a clipboard write, a screen clear, a jump out of the alternate screen, a C1 CSI. */
const HOSTILE = `PWN ${ESC}]0;PWNED-TITLE${BEL} ${ESC}]52;c;cHduZWQ=${BEL} ${ESC}[2J ${ESC}[?1049l \u009b31m end`;
/** The same, as the operator sees it. */
const SHOWN =
  'PWN \\x1b]0;PWNED-TITLE\\x07 \\x1b]52;c;cHduZWQ=\\x07 \\x1b[2J \\x1b[?1049l \\x9b31m end';
/** Every control character but tab and newline: none may reach a terminal or a Markdown file. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let demo: DemoHandle | undefined;
afterEach(async () => {
  await demo?.cleanup();
  demo = undefined;
});

function editTarget(d: DemoHandle, change: (target: Record<string, unknown>) => void): void {
  const config = JSON.parse(readFileSync(d.configPath, 'utf8'));
  change(config.targets.demo);
  writeFileSync(d.configPath, JSON.stringify(config, null, 2));
}

const errorLog = (d: DemoHandle) => join(d.dir, 'logs', 'error.log');

describe('hostile text from the target is shown, never obeyed', () => {
  it("a health status: inert in 5.3's line on stdout, its output on stderr and the Markdown; exact in the JSON", async () => {
    demo = await freshDemo();
    const d = demo;
    // The demo app's knob: /health/detailed reports this file's content as its status.
    writeFileSync(join(d.dir, 'config', 'demo-health-status'), HOSTILE);
    appendFileSync(errorLog(d), `2026-01-01T00:00:00Z ERROR before ${HOSTILE}\n`);
    const result = await runCli(headlessDeploy('v1.0.1', ...d.flags));

    expect(result.code).toBe(1);
    const id = /deployment (\S+)/.exec(result.stdout)?.[1];
    expect(result.stdout).toMatch(
      new RegExp(
        `^5\\.3 {2}Final Verification +failed +[\\d.]+s {2}final health check: status is `,
        'm',
      ),
    );
    expect(result.stdout).toContain(
      `final health check: status is ${SHOWN}, not healthy\n` +
        `Deployment ${id} paused at 5.3: final health check: status is ${SHOWN}, not healthy\n`,
    );
    // The body as the app sent it: JSON escapes ESC and BEL itself, not the C1 CSI.
    expect(result.stderr).toMatch(
      / {5}\| Detailed health: \{"status":"PWN \\u001b\]0;PWNED-TITLE\\u0007 .* \\x9b31m end"/,
    );
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stderr).not.toMatch(RAW_CONTROL);

    const md = await runCli(['export', ...d.flags]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(`\n2026-01-01T00:00:00Z ERROR before ${SHOWN}\n`);
    expect(md.stdout).toContain(
      `| 5.3 | Final Verification | failed | 1 | 0 | final health check: status is ${SHOWN}, not healthy |`,
    );
    expect(md.stdout).not.toMatch(RAW_CONTROL);

    const json = await runCli(['export', '--format', 'json', ...d.flags]);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    const log = JSON.parse(json.stdout) as {
      steps: { id: string; output: string; summary: string }[];
    };
    const step = (id: string) => log.steps.find((s) => s.id === id)!;
    expect(step('4.1').output).toContain(`2026-01-01T00:00:00Z ERROR before ${HOSTILE}\n`);
    expect(step('5.3').summary).toBe(`final health check: status is ${HOSTILE}, not healthy`);
  });

  it("error.log lines during the log window: inert in the failed step's output on stderr and the Markdown", async () => {
    demo = await freshDemo();
    const d = demo;
    // 4.2 … 5.2 run inside 4.1's window: a line as each starts is counted, and 5.3 quotes it.
    let stepsSeen = 0;
    const run = startCli(headlessDeploy('v1.0.1', ...d.flags), {}, (stdout) => {
      const steps = stdout.match(/^\d\.\d /gm) ?? [];
      for (; stepsSeen < steps.length; stepsSeen++)
        if (stepsSeen >= 13 && !stdout.includes('\n5.3 '))
          appendFileSync(errorLog(d), `2026-01-01T00:00:01Z ERROR window ${HOSTILE}\n`);
    });
    const result = await run.done;

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^5\.3 .* failed .* error lines were logged during the log window/m,
    );
    expect(result.stderr).toContain(`     | 2026-01-01T00:00:01Z ERROR window ${SHOWN}\n`);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    const md = await runCli(['export', ...d.flags]);
    expect(md.stdout).toContain(`\n2026-01-01T00:00:01Z ERROR window ${SHOWN}\n`);
    expect(md.stdout).not.toMatch(RAW_CONTROL);
  });

  it('config values holding escapes: inert in --plan, doctor and the error a bad key gives', async () => {
    demo = await freshDemo();
    const d = demo;
    // A shell comment may hold anything; a URL rule refuses ';', not ESC.
    const hostileUrl = `/?x=${ESC}[2J${ESC}[?1049l\u009b31m`;
    editTarget(d, (t) => {
      t.installCommand = `node --check server.mjs # ${HOSTILE}`;
      t.publicUrl = `${t.publicUrl as string}${hostileUrl}`;
    });
    const plan = await runCli(['deploy', '--plan', '--version', 'v1.0.1', ...d.flags]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`node --check server.mjs # ${SHOWN}`);
    expect(plan.stdout).toContain('/?x=\\x1b[2J\\x1b[?1049l\\x9b31m/health');
    expect(plan.stdout).not.toMatch(RAW_CONTROL);

    const doctor = await runCli(['doctor', ...d.flags]);
    expect(doctor.stdout).toContain('/?x=\\x1b[2J\\x1b[?1049l\\x9b31m');
    expect(doctor.stdout).not.toMatch(RAW_CONTROL);
    expect(doctor.stderr).not.toMatch(RAW_CONTROL);

    editTarget(d, (t) => (t[HOSTILE] = 1));
    const refused = await runCli(['history', ...d.flags]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /cvd-tui\.json:\d+:\d+: "targets\.demo\.PWN \\x1b]0;PWNED-TITLE/,
    );
    expect(refused.stderr).not.toMatch(RAW_CONTROL);
  });
});

/** Runs the CLI with its stdout a pipe whose reading end is closed before it writes. */
function withClosedStdout(args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
  });
}

describe('a reader that goes away', () => {
  it('--plan and export end quietly with 0 when stdout closes early', async () => {
    demo = await freshDemo();
    const d = demo;
    const plan = ['deploy', '--plan', '--version', 'v1.0.1', ...d.flags];
    expect(await withClosedStdout(plan)).toEqual({ code: 0, signal: null, stdout: '', stderr: '' });
    const deployed = await runCli(headlessDeploy('v1.0.1', ...d.flags));
    expect(deployed.code).toBe(0);
    for (const format of ['md', 'json'])
      expect(await withClosedStdout(['export', '--format', format, ...d.flags])).toEqual({
        code: 0,
        signal: null,
        stdout: '',
        stderr: '',
      });
    // As an operator types it: `| head -1` in a shell, the pipeline's status for cvd-tui.
    const cli = [process.execPath, BIN, ...plan].map((w) => `'${w}'`).join(' ');
    const piped = await new Promise<{ out: string; err: string }>((resolve) => {
      const sh = spawn('bash', ['-c', `${cli} | head -1; echo "status=\${PIPESTATUS[0]}"`]);
      let out = '';
      let err = '';
      sh.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      sh.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      sh.on('close', () => resolve({ out, err }));
    });
    expect(piped).toEqual({ out: 'Plan: deploy v1.0.1 to demo as root\nstatus=0\n', err: '' });
  });
});
