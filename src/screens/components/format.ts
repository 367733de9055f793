/** `0.4s`, `12s`, `1m05s`: short enough for the step list. */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** `15:17:57` in local time: when a tick or a step happened, as the operator's clock shows it. */
export const clock = (ms: number | null | undefined): string =>
  ms == null ? '' : new Date(ms).toTimeString().slice(0, 8);

/** Cuts text to `width` columns with an ellipsis (the panes are fixed-width). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** A monitoring window's length, as the summary offers it: `2 h`, `90 min`. */
export const windowLength = (minutes: number): string =>
  minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;

/**
 * `skipped: no staging box`: a step's status and its summary, the status
 * said once when the summary already starts with it (a skip's recorded
 * summary is `skipped: <reason>`).
 */
export function outcomeText(status: string, summary: string | undefined): string {
  if (!summary) return status;
  return summary.startsWith(`${status}:`) ? summary : `${status}: ${summary}`;
}
