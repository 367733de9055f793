import { notify } from './notify.js';
import {
  backupCurrentSystem,
  createDeploymentDirectory,
  environmentVerification,
} from './phase1.js';
import {
  migrateDatabase,
  stopApplication,
  updateApplicationCode,
  updateConfiguration,
} from './phase2.js';
import { functionalTests, healthCheck, sslVerification, startApplication } from './phase3.js';
import { monitorLogs, performanceBaseline, userAcceptance } from './phase4.js';
import { cleanUp, finalVerification, updateMonitoring } from './phase5.js';
import { ROLLBACK_STEPS } from './rollback.js';
import type { PhaseDef, StepDef } from './types.js';

export { ROLLBACK_STEPS, canRollBack, databaseNeedsRestore } from './rollback.js';

export const PHASES: readonly PhaseDef[] = [
  { id: '1', title: 'Pre-Deployment Preparation' },
  { id: '2', title: 'Application Deployment' },
  { id: '3', title: 'Service Restart and Verification' },
  { id: '4', title: 'Monitoring and Validation' },
  { id: '5', title: 'Post-Deployment Activities' },
  { id: 'R', title: 'Emergency Rollback' },
];

/** The runbook's steps 1.1 … 5.3, in order. */
export const DEPLOY_STEPS: readonly StepDef[] = [
  environmentVerification,
  createDeploymentDirectory,
  backupCurrentSystem,
  stopApplication,
  updateApplicationCode,
  migrateDatabase,
  updateConfiguration,
  startApplication,
  healthCheck,
  functionalTests,
  sslVerification,
  monitorLogs,
  performanceBaseline,
  userAcceptance,
  updateMonitoring(notify),
  cleanUp,
  finalVerification,
];

/** The deploy's phases (1 … 5) with their steps: the screens' counts (17 steps, steps a phase) derive from these. */
export const DEPLOY_PHASES: readonly (PhaseDef & { steps: readonly StepDef[] })[] = PHASES.map(
  (phase) => ({ ...phase, steps: DEPLOY_STEPS.filter((step) => step.phase === phase.id) }),
).filter((phase) => phase.steps.length > 0);

const TITLES = new Map([...DEPLOY_STEPS, ...ROLLBACK_STEPS].map((s) => [s.id, s.title]));

/** A deploy or rollback step's title by its id ('' for an id no step has). */
export const stepTitle = (id: string): string => TITLES.get(id) ?? '';
