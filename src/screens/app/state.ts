import type { ChangePreview } from '../../engine/change-preview.js';
import type { PreviewLine } from '../../engine/change-preview-lines.js';
import type { TargetState } from '../../engine/target-state.js';
import type { HostEvidence } from '../../fleet/checklist.js';
import type { FleetLook } from '../../fleet/look.js';
import type { FleetView } from '../../fleet/view.js';
import type { FleetRecord } from '../../state/fleet-store.js';
import type { ChecklistRecord, DeploymentRecord, StepStatus } from '../../state/types.js';

/**
 * The wizard's stages; App picks one screen per stage. `monitor`: post-deployment
 * monitoring, opened from the summary. `fleet`: a rollout across a group of targets.
 */
export type Stage = 'start' | 'checklist' | 'phase' | 'summary' | 'monitor' | 'fleet';

/** Tab's ring; `steps`: the step list, where j/k select a step and Enter opens it. */
export type PaneName = 'logs' | 'resources' | 'health' | 'steps';
export const PANES: readonly PaneName[] = ['logs', 'resources', 'health', 'steps'];

/** One line of the step list, read from the state store. */
export interface StepRow {
  id: string;
  phase: string;
  title: string;
  status: StepStatus;
  startedAt?: number;
  durationMs?: number;
  summary?: string;
  attempts: number;
}

/** What the start screen shows: from preflight, before any deployment is chosen. */
export interface StartInfo {
  runningVersion: string;
  runningCommit: string;
  /** The target's release tags, newest first. */
  tags: string[];
  /** `--version`: shown, not picked. */
  fixedVersion?: string;
  /** Preselected in the picker (the demo's v1.0.1). */
  suggestedVersion?: string;
  /** The target's unfinished deployment, if any: Resume / Roll back / Abandon. */
  unfinished?: DeploymentRecord;
  /** The target is still being looked at: the running version and the tags are not known yet. */
  checking?: boolean;
  /** A group of targets: `tags` are those on every host, `runningVersion` one version or `mixed`. */
  fleet?: FleetStartInfo;
}

/** What a fleet's start screen shows besides a lone target's. */
export interface FleetStartInfo {
  group: string;
  members: string[];
  /** Every host looked at (absent while `checking`). */
  look?: FleetLook;
  /** The group's unfinished fleet, if any: Resume / Roll back / Abandon. */
  unfinished?: UnfinishedFleet;
}

export interface UnfinishedFleet {
  record: FleetRecord;
  view: FleetView;
}

/** `fleet-rollback`: one host of a fleet (`host`), or every host that changed. */
export type ConfirmIntent =
  'rollback' | 'rollback-unfinished' | 'interrupt' | 'rerun' | 'downgrade' | 'fleet-rollback';

/** The change preview of the version on the checklist: being read, read, or why it could not be. */
export interface PreviewState {
  version: string;
  preview?: ChangePreview;
  error?: string;
  /** The host it was read on, when the checklist is a fleet's (its first host not skipped). */
  host?: string;
  /** A fleet's: the hosts whose preview differs from this one, once every host was read. */
  others?: PreviewLine;
}
/** `issues` and `resolution`: the Execution Log's fields, asked after something went wrong. `fleet-skip`: a fleet's host. */
export type ReasonIntent = 'skip' | 'tick' | 'abandon' | 'issues' | 'resolution' | 'fleet-skip';

export type Overlay =
  | { kind: 'help' }
  /** `q` or Ctrl-C (`via`) while the service is down (`target`: as the record said then): start it, roll back, or quit anyway. */
  | { kind: 'down'; via: 'quit' | 'interrupt'; target: TargetState }
  | { kind: 'confirm'; intent: ConfirmIntent; question: string; host?: string }
  | {
      kind: 'reason';
      intent: ReasonIntent;
      prompt: string;
      itemId?: string;
      /** The fleet's host a `fleet-skip` is for. */
      host?: string;
      /** An empty answer is accepted (and means "nothing to say"). @default false */
      optional?: boolean;
      /** Asked on the way out (`q` on a failed deployment): leave once answered. @default false */
      andQuit?: boolean;
      /** What the answer starts as, for the operator to edit (issues: the recorded step failures). */
      draft?: string;
    };

/**
 * One line for the operator in the footer. It is true of the screen it was
 * said on, so leaving that screen clears it; one about a condition ("11
 * left", "2.1 failed") also clears as soon as `holds` says it no longer does.
 */
export interface Notice {
  text: string;
  tone: 'info' | 'ok' | 'error';
  /** Whether it is still true of the state now. @default true until the screen changes */
  holds?: (state: UiState) => boolean;
  /** The stage it was said on; the reducer stamps it. */
  stage?: Stage;
}

/**
 * A checklist item as the checklist screen shows it: one deployment's
 * record, or a fleet's one item (ticked on every host, red if any host's
 * check failed, `evidence` summing up `hosts`).
 */
export interface ChecklistEntry extends ChecklistRecord {
  /** A fleet's item: each host's evidence, the failing hosts first. */
  hosts?: HostEvidence[];
}

/** What the store says about the deployment on screen; refreshed after every transition. */
export interface Synced {
  deployment: DeploymentRecord;
  checklist: ChecklistRecord[];
  steps: StepRow[];
  /** The Documentation Updates and Communication items ticked on the summary screen. */
  postTicks: Record<string, boolean>;
  /** The Execution Log's "Issues Encountered", as recorded (typed by the operator, or a monitoring breach). */
  issues: string[];
  /** The target as the deployment's record knows it: the status strip. */
  target: TargetState;
}

export interface UiState {
  stage: Stage;
  start: StartInfo;
  deployment?: DeploymentRecord;
  checklist: ChecklistEntry[];
  steps: StepRow[];
  postTicks: Record<string, boolean>;
  issues: string[];
  target?: TargetState;
  /** The step running or last run: its masked command from the step-start event. */
  current?: { stepId: string; attempt: number; command: string };
  /** What cvd-tui is waiting on (a step, a check); keys that would start work are refused meanwhile. */
  busy?: string;
  overlay?: Overlay;
  notice?: Notice;
  focus: PaneName;
  /** Shown on the checklist screen, before phase 1. */
  preview?: PreviewState;
  /** On the fleet screen: the host whose phase screen is open over it. */
  fleetHost?: string;
}

export type Action =
  | { type: 'start-info'; start: StartInfo }
  | { type: 'synced'; synced: Synced }
  /** A fleet's one checklist, re-read from its hosts' records. */
  | { type: 'fleet-checklist'; checklist: ChecklistEntry[] }
  | { type: 'cleared' }
  | { type: 'navigate'; stage: Stage }
  | { type: 'busy'; what: string }
  | { type: 'idle' }
  | { type: 'step-started'; stepId: string; attempt: number; command: string }
  | { type: 'overlay'; overlay: Overlay }
  | { type: 'close-overlay' }
  | { type: 'notice'; notice: Notice }
  | { type: 'dismiss' }
  | { type: 'focus-next' }
  | { type: 'preview'; preview: PreviewState }
  | { type: 'fleet-host'; host: string | undefined };

export function initialState(start: StartInfo, stage: Stage = 'start'): UiState {
  return { stage, start, checklist: [], steps: [], postTicks: {}, issues: [], focus: 'logs' };
}

/** The next state, without a notice that has stopped being true (another screen, or its condition gone). */
export function reducer(state: UiState, action: Action): UiState {
  const next = apply(state, action);
  const notice = next.notice;
  if (!notice) return next;
  const stale = notice.stage !== next.stage || (notice.holds !== undefined && !notice.holds(next));
  return stale ? { ...next, notice: undefined } : next;
}

function apply(state: UiState, action: Action): UiState {
  switch (action.type) {
    case 'start-info':
      return { ...state, start: action.start };
    case 'synced':
      return { ...state, ...action.synced };
    case 'fleet-checklist':
      return { ...state, checklist: action.checklist };
    case 'cleared':
      // Back to the start screen with no deployment chosen (after Abandon).
      return {
        ...state,
        deployment: undefined,
        checklist: [],
        steps: [],
        postTicks: {},
        issues: [],
        target: undefined,
        current: undefined,
        stage: 'start',
      };
    case 'navigate':
      return { ...state, stage: action.stage, overlay: undefined };
    case 'busy':
      return { ...state, busy: action.what, notice: undefined };
    case 'idle':
      return { ...state, busy: undefined };
    case 'step-started':
      return {
        ...state,
        current: { stepId: action.stepId, attempt: action.attempt, command: action.command },
      };
    case 'overlay':
      return { ...state, overlay: action.overlay, notice: undefined };
    case 'close-overlay':
      return { ...state, overlay: undefined };
    case 'notice':
      return { ...state, notice: { ...action.notice, stage: state.stage } };
    case 'dismiss':
      return state.notice ? { ...state, notice: undefined } : state;
    case 'focus-next':
      return { ...state, focus: PANES[(PANES.indexOf(state.focus) + 1) % PANES.length]! };
    case 'preview':
      return { ...state, preview: action.preview };
    case 'fleet-host':
      return { ...state, fleetHost: action.host, notice: undefined };
  }
}
