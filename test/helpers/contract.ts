/** DESIGN's step ids, a contract: written out here, never derived from src. */
export const RUNBOOK_STEP_IDS =
  '1.1 1.2 1.3 2.1 2.2 2.3 2.4 3.1 3.2 3.3 3.4 4.1 4.2 4.3 5.1 5.2 5.3'.split(' ');
