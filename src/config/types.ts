/**
 * A deployment target as stored in the config file. Every path, user, service
 * name and URL the runbook hard-codes is a setting here; `defaults.ts` holds
 * the runbook's own values.
 */
export interface TargetConfig {
  /** `ssh` runs commands on a remote server; `local` runs them on this machine (the demo). */
  transport: 'ssh' | 'local';
  /** A host name, IP address, or a Host alias of the ssh config. */
  host?: string;
  /** @default 22 (or the ssh config's Port) */
  port?: number;
  /** @default the ssh config's User, else the local user name, as ssh(1) does */
  username?: string;
  /** Absent: authenticate through ssh-agent (`SSH_AUTH_SOCK`). */
  privateKeyPath?: string;
  /** @default ~/.ssh/known_hosts (or the ssh config's UserKnownHostsFile) */
  knownHostsPath?: string;
  /**
   * The ssh_config(5) file whose Host block for `host` supplies HostName,
   * User, Port, IdentityFile and ProxyJump where this target leaves them out
   * (`Match` blocks are ignored, never run). "" reads none.
   * @default ~/.ssh/config
   */
  sshConfigPath?: string;

  /** The user that owns the app, its repository and its database. @default "cvdapp" */
  appUser: string;
  /** Run app-user commands through `sudo -n -u appUser` and root ones through `sudo -n`. @default true */
  useSudo: boolean;
  /** systemd unit name of the app. @default "cvd" */
  serviceName: string;
  /** The service manager executable (`systemctl`, or the demo's `cvdctl`). @default "systemctl" */
  serviceCtl: string;
  /** The reverse proxy checked in 1.1; empty string: none. @default "nginx" */
  proxyService: string;
  /** The unit file 2.4 may replace. @default "/etc/systemd/system/cvd.service" */
  serviceUnitPath: string;

  paths: TargetPaths;
  /** Shell command, run as the app user in the app directory after checkout (2.2). */
  installCommand: string;

  /** The app as seen on the server. @default "http://localhost:5000" */
  appUrl: string;
  /** The public HTTPS address. @default "https://your-domain.com" */
  publicUrl: string;
  /** A CA bundle (on the target) to verify publicUrl's certificate with; empty: the system's. */
  caFile: string;

  /** Username of 3.3's functional login test; its password comes from CVD_TUI_TEST_PASSWORD. */
  functionalTestUser: string;
  /** Slack-compatible webhook for 5.1. A secret: never shown, stored or exported. */
  notifyWebhookUrl: string;

  thresholds: Thresholds;
  timeouts: Timeouts;
  /** How many pre-deploy database backups and app tarballs 5.2 keeps. @default 10 */
  keepBackups: number;
  /** 4.1's log window: how long error.log is watched while the later steps run. @default 120 */
  logWindowSeconds: number;
}

export interface TargetPaths {
  /** @default "/opt/cvd/app" */
  app: string;
  /** @default "/opt/cvd/data/cvd.db" */
  database: string;
  /** @default "/opt/cvd/backups" */
  backups: string;
  /** @default "/opt/cvd/logs" */
  logs: string;
  /** @default "/opt/cvd/config" */
  config: string;
  /**
   * Where each deployment keeps its step journal and lock on the target.
   * The runbook uses /tmp/cvd_deployment_DATE and deletes it in 5.2; the
   * journal must outlive a reboot and the deployment itself, so it lives
   * beside the app instead. @default "/opt/cvd/deployments"
   */
  deployments: string;
}

export interface Thresholds {
  /** @default 80 */
  maxDiskUsedPercent: number;
  /** @default 80 */
  maxMemoryUsedPercent: number;
  /** @default 70 */
  maxCpuPercent: number;
  /** @default 2 */
  backupMaxAgeHours: number;
  /** @default 30 */
  certMinDays: number;
  /** @default 20 */
  minDiskFreePercent: number;
  /** @default 2000 */
  maxResponseMs: number;
  /** Post-deployment monitoring: share of 5xx answers in the access log. @default 1 */
  maxErrorRatePercent: number;
  /** 4.2 flags a baseline value this much worse than the previous successful deployment's. @default 50 */
  maxRegressionPercent: number;
}

export interface Timeouts {
  /** How long 2.1 / 3.1 wait for the service to stop / become active. @default 60 */
  serviceSeconds: number;
  /** How long 3.2 waits for /health to answer 200. @default 120 */
  healthSeconds: number;
  /** Upper bound for any one step. @default 900 */
  stepSeconds: number;
}

export interface ConfigFile {
  defaultTarget?: string;
  /** Named targets and groups of them (a `group` entry: a fleet). */
  targets: Record<string, TargetConfig | GroupConfig>;
}

/**
 * A fleet: targets of the same config deployed as one rollout (src/fleet).
 * `--target NAME` deploys the group when NAME names one.
 */
export interface GroupConfig {
  /** Member target names, in rollout order; each names a target of the config, never a group. */
  group: string[];
  /** How many members go first, one after another, through every phase. @default 1 */
  canary?: number;
  /** How many members run in parallel in each batch after the canary. @default 1 */
  batchSize?: number;
  /** How many failed members the rollout tolerates before it halts. @default 0 */
  maxFailures?: number;
}

/** Whether a config entry is a group (a fleet) rather than one target. */
export const isGroupEntry = (entry: unknown): entry is GroupConfig =>
  typeof entry === 'object' && entry !== null && Object.hasOwn(entry, 'group');

/** What the config file may hold for a target before defaults are applied. */
export type TargetInput = Partial<Omit<TargetConfig, 'paths' | 'thresholds' | 'timeouts'>> & {
  transport: 'ssh' | 'local';
  paths?: Partial<TargetPaths>;
  thresholds?: Partial<Thresholds>;
  timeouts?: Partial<Timeouts>;
};
