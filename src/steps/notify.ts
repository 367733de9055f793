import type { LocalAction } from './types.js';
import { errorMessage, isErrorNamed } from '../util/error.js';
import { httpRequest } from '../util/http.js';

const TIMEOUT_MS = 5_000;
const ATTEMPTS = 2;

/** The message 5.1 sends: what an on-call channel needs to know at a glance. */
export function notificationText(fields: {
  target: string;
  version: string;
  commit: string;
  operator: string;
  durationMs: number;
  status: string;
}): string {
  const minutes = Math.round(fields.durationMs / 60_000);
  return `CVD deployment ${fields.status}: ${fields.version} (${fields.commit}) on ${fields.target} by ${fields.operator}, ${minutes} min`;
}

/** Posts `{text}` to a Slack-compatible webhook: bounded time, one retry. Never throws. */
export async function postWebhook(
  url: string,
  text: string,
  timeoutMs = TIMEOUT_MS,
): Promise<{ ok: boolean; detail: string }> {
  let detail = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const { status } = await httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        timeoutMs,
        maxBodyBytes: 0,
      });
      if (status < 300) return { ok: true, detail: `HTTP ${status}` };
      detail = `HTTP ${status}`;
    } catch (error) {
      // The webhook URL is a secret: report the error's kind, never the URL.
      detail = isErrorNamed(error, 'TimeoutError')
        ? `no answer within ${timeoutMs} ms`
        : errorMessage(error).replace(url, '***');
    }
  }
  return { ok: false, detail };
}

/** 5.1's local part. A failed notification is logged and is not a failed step (runbook: non-critical). */
export const notify: LocalAction = {
  describes: 'posts the notification to notifyWebhookUrl (a secret: ***)',
  run: async (ctx, log) => {
    if (!ctx.target.notifyWebhookUrl) {
      log('No notification webhook configured (notifyWebhookUrl): notification skipped');
      return { notification: 'not configured' };
    }
    const text = notificationText({
      target: ctx.targetName,
      version: ctx.version,
      commit: ctx.facts.deployedShort ?? '?',
      operator: ctx.operator,
      durationMs: Date.now() - ctx.startedAt,
      status: 'completed',
    });
    const result = await postWebhook(ctx.target.notifyWebhookUrl, text);
    log(
      result.ok
        ? `Notification sent (${result.detail})`
        : `Notification failed (non-critical): ${result.detail}`,
    );
    return { notification: result.ok ? 'sent' : `failed: ${result.detail}` };
  },
};
