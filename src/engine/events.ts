import type { DeploymentStatus, StepStatus } from '../state/types.js';

/** What the engine reports; screens and the headless printer subscribe to these. */
export type EngineEvent =
  | { type: 'step-start'; stepId: string; attempt: number; command: string }
  /** `fact`: a fact the step reported (its nonce checked), shown quietly. */
  | { type: 'line'; stepId: string; line: string; fact?: boolean }
  | {
      type: 'step-end';
      stepId: string;
      status: StepStatus;
      summary: string;
      warnings: string[];
      durationMs: number;
      outcomeUnknown: boolean;
    }
  | { type: 'status'; status: DeploymentStatus; detail?: string }
  /** Something the operator should know that does not change the outcome. */
  | { type: 'warning'; message: string };

export type EngineListener = (event: EngineEvent) => void;
