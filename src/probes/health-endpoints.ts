/** The three endpoints the runbook checks, in the order the Health pane shows them. */
export const HEALTH_ENDPOINTS = [
  { name: 'health', path: '/health' },
  { name: 'detailed', path: '/health/detailed' },
  { name: 'database', path: '/health/database' },
] as const;

export interface HealthReading {
  name: (typeof HEALTH_ENDPOINTS)[number]['name'];
  path: string;
  /** HTTP status; undefined when nothing answered. */
  code?: number;
  latencyMs?: number;
  /** `/health/detailed`'s `status` field. */
  status?: string;
  error?: string;
  /** Failing, and asked less often (health.ts back-off): when it is asked next, in ms since the epoch. */
  nextCheckAt?: number;
}
