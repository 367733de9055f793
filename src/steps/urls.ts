/** Joins a configured base URL and an endpoint path without doubling the slash. */
export const endpoint = (base: string, path: string): string =>
  `${base.replace(/\/+$/, '')}${path}`;

/** Host and port of the public HTTPS address, for certificate checks. */
export function tlsAddress(publicUrl: string): { host: string; port: number } {
  const url = new URL(publicUrl);
  return { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

/** Days from `now` until an `openssl x509 -enddate` value such as `Nov 27 15:05:53 2027 GMT`. */
export function daysUntil(notAfter: string, now: Date = new Date()): number | undefined {
  const time = Date.parse(notAfter.replace(/^notAfter=/, ''));
  return Number.isNaN(time) ? undefined : Math.floor((time - now.getTime()) / 86_400_000);
}
