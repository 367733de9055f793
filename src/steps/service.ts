import { targetShell } from './shell.js';
import type { StepDef } from './types.js';
import { factIs, verdict } from './verify.js';

/** The states a stop may end in: `failed` also means nothing runs (systemd's word for a stop that exited non-zero). */
const STOPPED = ['inactive', 'failed'];

/**
 * A service action, then polling until the service reaches the state it
 * should: the runbook's `stop` (2.1, R.1) and `start` + `sleep 10` (3.1, R.6).
 * Polling returns as soon as the state is reached, and fails at a deadline
 * instead of hoping ten seconds were enough.
 */
export function serviceStep(
  action: 'stop' | 'start',
  step: Pick<StepDef, 'id' | 'phase' | 'title'>,
): StepDef {
  const stopping = action === 'stop';
  return {
    ...step,
    mutates: ['service'],
    rerunSafe: true,
    timeoutSeconds: (target) => target.timeouts.serviceSeconds + 30,
    script: ({ target }) => {
      const t = targetShell(target);
      return t.script(
        `echo "=== ${stopping ? 'Stopping' : 'Starting'} Services ==="`,
        t.serviceAsRoot(action),
        `wait_for ${target.timeouts.serviceSeconds} ${stopping ? 'service_stopped' : 'service_is active'}`,
        'fact serviceState "$(service_state)"',
        `${t.service('status')} || true`,
      );
    },
    verify: (result, { target }) =>
      stopping
        ? verdict(result, `${target.serviceName} stopped`, [
            factIs('serviceState', STOPPED, `${target.serviceName} is still running`),
          ])
        : verdict(result, `${target.serviceName} active`, [
            factIs('serviceState', 'active', `${target.serviceName} did not become active`),
          ]),
  };
}
