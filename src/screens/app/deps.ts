import type { EngineContext } from '../../engine/context.js';
import type { StepContext } from '../../steps/types.js';
import type { MonitorWindow } from './monitor-session.js';

/** How the TUI ended, for runTui to print and return. */
export interface TuiExit {
  /** DESIGN exit codes: 0 done and verified, 1 paused (resumable), 130 interrupted. */
  code: number;
  /** Printed once the terminal is restored, e.g. the command to resume. */
  message?: string;
  /** A step was still running when the operator left: its process goes on on the target. */
  stepRunning: boolean;
}

/** Probe intervals; `false` turns the probes off (screen tests that do not read the panes). */
export interface ProbeIntervals {
  /** @default 3000 */
  resourcesMs: number;
  /** @default 3000 */
  healthMs: number;
  /** @default 1000 */
  logMs: number;
}

/** Everything the TUI works with, opened by runTui (or a test) before the first render. */
export interface TuiDeps extends EngineContext {
  secrets: StepContext['secrets'];
  /** `--config`/`--state`/`--target` as given, repeated in the resume hint. */
  resumeFlags: string[];
  /** `--take-over-lock`: take the target's deploy lock from a deployment whose process is gone. */
  takeOverLock: boolean;
  /** Where `e` writes the execution log. */
  exportDir: string;
  probes: ProbeIntervals | false;
  /** Post-deployment monitoring from the summary screen. @default the runbook's 2 h, a sample every 15 s */
  monitor?: MonitorWindow;
  onExit(exit: TuiExit): void;
}

/** What the command line asked the TUI to do. */
export interface TuiRequest {
  command: 'deploy' | 'resume' | 'rollback' | undefined;
  id?: string;
  /** `--version`: validated before anything runs. */
  version?: string;
  /** Preselected in the version picker (the demo). */
  suggestedVersion?: string;
}
