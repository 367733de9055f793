/** Doctor check of the target's paths: each exists and is writable by whoever writes it. */
import { targetShell } from '../steps/shell.js';
import { sh } from '../shell/quote.js';
import { fail, pass, type RemoteCheck } from './types.js';
import { PATH_KEYS } from '../config/defaults.js';

export const pathsCheck: RemoteCheck = {
  script: (target) => {
    const t = targetShell(target);
    // Every look runs as the app user, who owns the tree: in a 0750 tree the login
    // user sees nothing, and would report a database that is there as missing.
    // deployments too: the journal and the lock are written as the app user.
    const lines = PATH_KEYS.map((key) => {
      const p = target.paths[key];
      // SQLite writes a -wal/-journal beside the database: its directory must be writable too.
      const writable =
        key === 'database' ? sh`test -w ${p} && test -w ${dirOf(p)}` : sh`test -w ${p}`;
      // Only paths.deployments may be missing: the journal creates it when it first writes there.
      const absent =
        key === 'deployments' ? sh`elif test -w ${dirOf(p)}; then echo creatable; ` : '';
      // writable and absent are commands already quoted: concatenated, never re-quoted.
      const look =
        sh`if [ -e ${p} ]; then ` +
        `${writable} && echo ok || echo readonly; ${absent}` +
        sh`elif cd -- ${dirOf(p)}; then echo missing; else echo unreachable; fi`;
      return `fact path_${key} "$(${t.asApp(look)} 2>/dev/null)"`;
    });
    return t.script(...lines, 'fact login "$(id -un)"');
  },
  judge: (facts, target) =>
    PATH_KEYS.map((key) => {
      const p = target.paths[key];
      // Without sudo every command runs as the login user: that is whose access was tested.
      const who = target.useSudo ? target.appUser : (facts.login ?? 'the login user');
      const name = `path ${key}`;
      const fix = `chown -R ${who} ${p}`;
      switch (facts[`path_${key}`]) {
        case 'ok':
          return { name, ...pass(`${p} exists, writable by ${who}`) };
        case 'creatable':
          return {
            name,
            ...pass(`${p} will be created by the first step (its parent is writable by ${who})`),
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
