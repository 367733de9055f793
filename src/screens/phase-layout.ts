import { FOOTER_ROWS } from './components/Footer.js';
import { STRIP_ROWS } from './components/StatusStrip.js';
import { DEPLOY_PHASES, DEPLOY_STEPS } from '../steps/index.js';

/** Sizes of the phase screen's parts, in columns and rows (borders included). */
export interface PhaseLayout {
  width: number;
  stepsWidth: number;
  sideWidth: number;
  /** The step list and the Resources/Health column beside it. */
  topHeight: number;
  resourcesHeight: number;
  healthHeight: number;
  /** The current step: one status line, the rest its command. */
  currentRows: number;
  logsHeight: number;
}

/** Every phase and step listed: a line each, plus the pane's borders. */
const ALL_STEPS_HEIGHT = DEPLOY_PHASES.length + DEPLOY_STEPS.length + 2;
/** The step list when only the current phase is expanded (every phase + the largest one's steps, borders). */
const COMPACT_HEIGHT =
  DEPLOY_PHASES.length + Math.max(...DEPLOY_PHASES.map((p) => p.steps.length)) + 2;

/**
 * Fits the phase screen to the terminal. At 80×24 the Logs pane keeps four
 * lines (the status strip took the fifth: under pressure the service's
 * state matters more than one more line of output); extra height goes first to the Logs pane and the command, and to
 * listing every step once the Logs pane can still keep a dozen lines.
 */
export function phaseLayout(columns: number, rows: number): PhaseLayout {
  const usable = Math.max(18, rows - 1);
  const width = Math.max(60, columns);
  const currentRows = usable >= 40 ? 5 : usable >= 28 ? 3 : 2;
  const fixed = 1 + STRIP_ROWS + currentRows + FOOTER_ROWS;
  const topHeight = usable - fixed - ALL_STEPS_HEIGHT >= 14 ? ALL_STEPS_HEIGHT : COMPACT_HEIGHT;
  const stepsWidth = Math.min(64, Math.max(40, Math.floor(width * 0.46)));
  const resourcesHeight = 6;
  return {
    width,
    stepsWidth,
    sideWidth: width - stepsWidth,
    topHeight,
    resourcesHeight,
    healthHeight: topHeight - resourcesHeight,
    currentRows,
    logsHeight: Math.max(4, usable - fixed - topHeight),
  };
}
