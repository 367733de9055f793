/**
 * Value rules shared by config validation and the CLI. Every value that ends
 * up in a remote command is shell-quoted anyway; these rules refuse hostile
 * or mistyped values early, with a message the operator can act on.
 */
export interface Rule {
  test(value: unknown): boolean;
  /** What a right value looks like, for the error message. */
  expect: string;
  example: string;
}

const SAFE_PATH = /^\/(?:[A-Za-z0-9._@+-]+\/?)*$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_.@-]{0,63}$/;
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/;

export const isSafePath = (v: unknown): v is string =>
  typeof v === 'string' && v.length <= 1024 && SAFE_PATH.test(v) && !v.split('/').includes('..');

/** One line of shell: no line breaks or NUL, at most 2000 characters. */
function isOneLine(v: unknown): boolean {
  return typeof v === 'string' && v.length <= 2000 && !/[\n\r\0]/.test(v);
}

export const rules = {
  path: {
    test: isSafePath,
    expect: 'an absolute path of letters, digits and ._@+-',
    example: '/opt/cvd/app',
  },
  optionalPath: {
    test: (v: unknown) => v === '' || isSafePath(v),
    expect: 'an absolute path, or "" for none',
    example: '/opt/cvd/config/ca.pem',
  },
  name: {
    test: (v: unknown) => typeof v === 'string' && NAME.test(v),
    expect: 'a name of letters, digits and _.@- (starting with a letter or _)',
    example: 'cvdapp',
  },
  optionalName: {
    test: (v: unknown) => v === '' || (typeof v === 'string' && NAME.test(v)),
    expect: 'a name of letters, digits and _.@-, or "" for none',
    example: 'nginx',
  },
  command: {
    test: (v: unknown) => (typeof v === 'string' && NAME.test(v)) || isSafePath(v),
    expect: 'an executable name or absolute path',
    example: 'systemctl',
  },
  host: {
    test: (v: unknown) => typeof v === 'string' && v.length <= 253 && HOST.test(v),
    expect: 'a host name or IP address',
    example: 'production-server.company.com',
  },
  port: {
    test: (v: unknown) => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536,
    expect: 'a whole number from 1 to 65535',
    example: '22',
  },
  url: {
    test: (v: unknown) => typeof v === 'string' && isPlainHttpUrl(v),
    expect: 'an http:// or https:// URL without spaces, quotes or credentials',
    example: 'https://your-domain.com',
  },
  optionalUrl: {
    test: (v: unknown) => v === '' || (typeof v === 'string' && isPlainHttpUrl(v)),
    expect: 'an https:// URL, or "" for none',
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
  },
  boolean: {
    test: (v: unknown) => typeof v === 'boolean',
    expect: 'true or false',
    example: 'true',
  },
  positive: {
    test: (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0,
    expect: 'a number greater than 0',
    example: '60',
  },
  percent: {
    test: (v: unknown) => typeof v === 'number' && v >= 0 && v <= 100,
    expect: 'a number from 0 to 100',
    example: '80',
  },
  shellCommand: {
    test: isOneLine,
    expect: 'one line of shell, run as the app user in the app directory',
    example: 'npm ci --omit=dev',
  },
  localCommand: {
    test: isOneLine,
    expect: 'one line of shell run on this machine, or "" for none',
    example: 'pass show cvd/test_user',
  },
  transport: {
    test: (v: unknown) => v === 'ssh' || v === 'local',
    expect: '"ssh" or "local"',
    example: 'ssh',
  },
} satisfies Record<string, Rule>;

function isPlainHttpUrl(text: string): boolean {
  if (/[\s"'`\\$;|&<>(){}]/.test(text)) return false;
  try {
    const url = new URL(text);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password
    );
  } catch {
    return false;
  }
}
