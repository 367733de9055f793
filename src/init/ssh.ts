import { rules } from '../config/rules.js';
import type { TargetInput } from '../config/types.js';
import { hostAliases, resolveSshHost, type SshConfig } from '../transport/ssh-config.js';
import { validator, validOptionalPath, validPort, type Asker } from './asker.js';

/** What askSsh reads of the operator's machine; the wizard's WizardEnv carries it. */
export interface SshEnv {
  /** The operator's ssh config, Includes followed ([] when there is none). */
  sshConfig: SshConfig;
  localUser: string;
}

/** Host (offered from the ssh config), then user and port defaulting to what the ssh config says for it. */
export async function askSsh(
  ask: Asker,
  env: SshEnv,
  prev: Partial<TargetInput>,
): Promise<Partial<TargetInput>> {
  const aliases = hostAliases(env.sshConfig);
  let host = '';
  if (aliases.length > 0) {
    host = await ask.select({
      message: 'Host (from your ssh config)',
      choices: [
        ...aliases.map((alias) => {
          const s = resolveSshHost(env.sshConfig, alias);
          return {
            name: `${alias}  (${s.user ?? env.localUser}@${s.hostName}:${s.port ?? 22})`,
            value: alias,
          };
        }),
        { name: 'another host…', value: '' },
      ],
      ...(prev.host && aliases.includes(prev.host) ? { default: prev.host } : {}),
    });
  }
  if (!host)
    host = await ask.input({
      message: 'Host name or address',
      default: prev.host ?? '',
      validate: validator(rules.host),
    });
  const s = resolveSshHost(env.sshConfig, host);
  const username = await ask.input({
    // The operator's own account: cvd-tui reaches the app user and root through sudo.
    message: "SSH user (the operator's own login, not the app user or root)",
    default: prev.username ?? s.user ?? env.localUser,
    validate: validator(rules.name),
  });
  const port = Number(
    await ask.input({
      message: 'SSH port',
      default: String(prev.port ?? s.port ?? 22),
      validate: validPort,
    }),
  );
  const key = await ask.input({
    message: 'Private key file (blank: the ssh config IdentityFile, else ssh-agent)',
    default: prev.privateKeyPath ?? '',
    validate: validOptionalPath,
  });
  // What the ssh config already says is left to it: one place to change it.
  return {
    host,
    ...(username === s.user ? {} : { username }),
    ...(port === (s.port ?? 22) ? {} : { port }),
    ...(key ? { privateKeyPath: key } : {}),
  };
}
