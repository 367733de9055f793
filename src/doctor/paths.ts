/** Doctor check of the target's paths: each exists and is writable by whoever writes it. */
import { targetShell } from '../steps/shell.js';
import { sh } from '../transport/quote.js';
import { fail, pass, type RemoteCheck } from './types.js';
import { PATH_KEYS } from '../config/defaults.js';

export const pathsCheck: RemoteCheck = {
  script: (target) => {
    const t = targetShell(target);
    const { database, deployments } = target.paths;
    // The app user writes these; deployments is written by the login user (the journal and lock).
    const lines = PATH_KEYS.filter((k) => k !== 'deployments').map((key) => {
      const p = target.paths[key];
      // SQLite writes a -wal/-journal beside the database: its directory must be writable too.
      const writable =
        key === 'database' ? sh`test -w ${p} && test -w ${dirOf(database)}` : sh`test -w ${p}`;
      return (
        sh`if [ -e ${p} ]; then ` +
        `${t.asApp(writable)} 2>/dev/null && fact path_${key} ok || fact path_${key} readonly; else fact path_${key} missing; fi`
      );
    });
    lines.push(
      sh`if [ -e ${deployments} ]; then test -w ${deployments} && fact path_deployments ok || fact path_deployments readonly; ` +
        sh`elif test -w ${dirOf(deployments)}; then fact path_deployments creatable; else fact path_deployments missing; fi`,
    );
    return t.script(...lines, 'fact login "$(id -un)"');
  },
  judge: (facts, target) =>
    PATH_KEYS.map((key) => {
      const p = target.paths[key];
      // Without sudo every command runs as the login user: that is whose access was tested.
      const who =
        key === 'deployments' || !target.useSudo
          ? (facts.login ?? 'the login user')
          : target.appUser;
      const name = `path ${key}`;
      switch (facts[`path_${key}`]) {
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
            ...fail(
              `${p} is not writable by ${who}`,
              `chown -R ${who} ${p} (or fix paths.${key} in the config)`,
            ),
          };
        default:
          return {
            name,
            ...fail(
              `${p} does not exist`,
              `create it (owned by ${who}), or set paths.${key} to where it is`,
            ),
          };
      }
    }),
};

const dirOf = (file: string) => file.slice(0, file.lastIndexOf('/')) || '/';
