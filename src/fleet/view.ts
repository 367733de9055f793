import type { DeploymentStatus, StepStatus } from '../state/types.js';

/**
 * What a fleet screen or a fleet summary needs to know about a rollout, at
 * one instant: the engine (src/fleet) builds it from the state database and
 * the hosts' runners; the screens only draw it. Plain data, no functions.
 */
export interface FleetView {
  /** The fleet deployment's own id (each host also has its own deployment id). */
  id: string;
  /** The group's name in the config (or `inventory:<group>`). */
  group: string;
  versionTo: string;
  status: DeploymentStatus;
  plan: FleetPlan;
  hosts: FleetHostView[];
  /** Set once a failure or a health breach stopped new hosts from starting. */
  halted: FleetHalt | null;
}

/** The order hosts go in: canary hosts one after another, then each batch in parallel. */
export interface FleetPlan {
  canary: string[];
  batches: string[][];
  /** How many hosts may fail before the rollout halts (the group's `maxFailures`). */
  maxFailures: number;
}

export type FleetHostStatus =
  | 'waiting' // not started: its batch has not come yet
  | 'preparing' // phase 1 (run on every host before the canary)
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped' // the operator skipped the host, with a reason
  | 'rolled_back'
  | 'held'; // would have started, but the rollout halted

export interface FleetHostView {
  /** The member's target name in the config (or the inventory host). */
  host: string;
  /** Where it sits in the plan: `canary`, or its batch number from 1. */
  batch: 'canary' | number;
  status: FleetHostStatus;
  /** The host's own deployment id once it has one. */
  deploymentId: string | null;
  /** The version the host serves now, as last measured (null: not known yet). */
  versionRunning: string | null;
  phase: number | null;
  /** The step running now, or the step it stopped at. */
  currentStep: { id: string; status: StepStatus } | null;
  health: 'ok' | 'failing' | 'unknown';
  /** While the service is stopped (2.1 until a verified 3.1): since when. */
  downSince: number | null;
  /** Total downtime so far, in ms. */
  downtimeMs: number;
  /** Why it failed or was skipped, one line. */
  note: string | null;
}

export interface FleetHalt {
  host: string;
  stepId: string | null;
  reason: string;
  at: number;
}
