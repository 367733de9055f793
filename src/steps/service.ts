import { shq } from '../shell/quote.js';
import { heldFor, HOLD_SECONDS, openHold } from './hold.js';
import { targetShell } from './shell.js';
import type { StepContext, StepDef } from './types.js';
import { factIs, verdict } from './verify.js';

/** How long a quick root action (`install-unit`, `daemon-reload`) may take. */
export const ROOT_SECONDS = 60;

/** The states a stop may end in: `failed` also means nothing runs (systemd's word for a stop that exited non-zero). */
const STOPPED = ['inactive', 'failed'];

/**
 * A service action, then polling until the service reaches the state it
 * should: the runbook's `stop` (2.1, R.1) and `start` + `sleep 10` (3.1, R.6).
 * Polling returns as soon as the state is reached, and fails at a deadline
 * instead of hoping ten seconds were enough. A start must then hold: active,
 * same main PID, for HOLD_SECONDS (hold.ts); R.6 waits for that itself,
 * 3.1 opens the hold and 5.1 closes it (`holdOpen`).
 */
export function serviceStep(
  action: 'stop' | 'start',
  step: Pick<StepDef, 'id' | 'phase' | 'title' | 'verifies' | 'verification'>,
  {
    afterAction,
    holdOpen = false,
  }: {
    /** Shell lines run right after the action succeeded, before the wait (3.1: open the log window). */
    afterAction?: (context: StepContext) => string;
    /** Open the hold and go on (3.1): the steps after it run while it lasts. */
    holdOpen?: boolean;
  } = {},
): StepDef {
  const stopping = action === 'stop';
  return {
    ...step,
    mutates: ['service'],
    rerunSafe: true,
    effect: { service: stopping ? 'stopped' : 'active' },
    timeoutSeconds: (target) => target.timeouts.serviceSeconds + 30,
    script: (context) => {
      const { target } = context;
      const t = targetShell(target);
      const seconds = target.timeouts.serviceSeconds;
      return t.script(
        `echo "=== ${stopping ? 'Stopping' : 'Starting'} Services ==="`,
        // One deadline for the action and the wait: `systemctl stop` itself blocks until the unit stopped.
        `deadline=$((SECONDS + ${seconds}))`,
        `${t.root(action, seconds)} || fail ${shq(`${target.serviceCtl} ${action} ${target.serviceName} failed`)}" (exit $?)"`,
        ...(afterAction ? [afterAction(context)] : []),
        ...(stopping
          ? [
              'wait_for $((deadline - SECONDS)) service_stopped',
              // The state the wait ended on: stopped, or still running at the deadline.
              'fact serviceState "$seen"',
            ]
          : [
              // `failed` or `inactive` ends the wait at once instead of at the deadline. A start that
              // fails often shows `active` first (systemd's Type=simple: active once forked), so the
              // state must hold a few seconds before the runbook's "active" counts.
              'wait_for $((deadline - SECONDS)) service_settled',
              ...(holdOpen
                ? [
                    'if [ "$seen" = active ]; then',
                    '  pid=$(main_pid)',
                    '  [ -z "$pid" ] || fact servicePid "$pid"',
                    `  ${openHold(target, context.deploymentId)}`,
                    'fi',
                  ]
                : [
                    `[ "$seen" = active ] && fact serviceHold "$(hold_watch ${HOLD_SECONDS} "$(main_pid)")"`,
                  ]),
              'fact serviceState "$(service_state)"',
            ]),
        `${t.service('status')} || true`,
      );
    },
    verify: (result, { target }) =>
      stopping
        ? verdict(result, `${target.serviceName} stopped`, [
            factIs('serviceState', STOPPED, `${target.serviceName} is still running`),
          ])
        : verdict(
            result,
            holdOpen
              ? `${target.serviceName} active (5.1 checks it held ${HOLD_SECONDS} s)`
              : `${target.serviceName} active`,
            [
              factIs('serviceState', 'active', `${target.serviceName} did not become active`),
              ...(holdOpen ? [] : [heldFor(target)]),
            ],
          ),
  };
}
