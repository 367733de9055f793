/** Doctor check of the target's paths: each exists and is writable by whoever writes it. */
import { targetShell } from '../steps/shell.js';
import { sh } from '../transport/quote.js';
import { fail, pass, type RemoteCheck } from './types.js';
import { PATH_KEYS } from '../config/defaults.js';

export const pathsCheck: RemoteCheck = {
  script: (target) => {
    const t = targetShell(target);
    // Every look runs as the app user, who owns the tree: in a 0750 tree the login
    // user sees nothing, and would report a database that is there as missing.
    // The journal and lock in paths.deployments are the app user's too.
    const lines = PATH_KEYS.map((key) => {
      const p = target.paths[key];
      // SQLite writes a -wal/-journal beside the database: its directory must be writable too.
      const writable =
        key === 'database' ? sh`test -w ${p} && test -w ${dirOf(p)}` : sh`test -w ${p}`;
      // Only paths.deployments may be missing: 1.2 creates it.
      const absent =
        key === 'deployments' ? sh`elif test -w ${dirOf(p)}; then echo creatable; ` : '';
      // writable and absent are commands already quoted: concatenated, never re-quoted.
      const look =
        sh`if [ -e ${p} ]; then ` +
        `${writable} && echo ok || echo readonly; ${absent}` +
        sh`elif cd -- ${dirOf(p)}; then echo missing; else echo unreachable; fi`;
      const asApp = `fact path_${key} "$(${t.asApp(look)} 2>/dev/null)"`;
      if (key !== 'deployments') return asApp;
      // The journal and lock are written as the app user (the privilege model); a
      // login user that may write there itself needs no sudo for them either.
      return `${asApp}\nfact path_deployments_login "$( (${look}) 2>/dev/null)"`;
    });
    return t.script(...lines, 'fact login "$(id -un)"');
  },
  judge: (facts, target) =>
    PATH_KEYS.map((key) => {
      const p = target.paths[key];
      const usable = (state: string | undefined) => state === 'ok' || state === 'creatable';
      const byLogin =
        key === 'deployments' &&
        !usable(facts.path_deployments) &&
        usable(facts.path_deployments_login);
      // Without sudo every command runs as the login user: that is whose access was tested.
      const who = byLogin || !target.useSudo ? (facts.login ?? 'the login user') : target.appUser;
      const name = `path ${key}`;
      const fix = `chown -R ${who} ${p}`;
      switch (byLogin ? facts.path_deployments_login : facts[`path_${key}`]) {
        case 'ok':
          return { name, ...pass(`${p} exists, writable by ${who}`) };
        case 'creatable':
          return {
            name,
            ...pass(`${p} will be created by 1.2 (its parent is writable by ${who})`),
          };
        case 'readonly':
          return {
            name,
            ...fail(`${p} is not writable by ${who}`, `${fix} (or fix paths.${key} in the config)`),
          };
        case 'unreachable':
          return {
            name,
            ...fail(
              `${p} is not writable by ${who}`,
              `${fix}, and let ${who} enter every directory above it (${who} cannot reach it)`,
            ),
          };
        case 'missing':
          return {
            name,
            ...fail(
              `${p} does not exist`,
              `create it (owned by ${who}), or set paths.${key} to where it is`,
            ),
          };
        default:
          return {
            name,
            ...fail(
              `could not look at ${p} as ${who}`,
              `fix sudo first (the sudo rows above): the check runs as ${who}`,
            ),
          };
      }
    }),
};

const dirOf = (file: string) => file.slice(0, file.lastIndexOf('/')) || '/';
