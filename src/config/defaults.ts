import type { TargetConfig, TargetInput, TargetPaths } from './types.js';

/** The runbook's own values, used for every setting a target leaves out. */
export const RUNBOOK_DEFAULTS: Omit<TargetConfig, 'transport'> = {
  appUser: 'cvdapp',
  useSudo: true,
  serviceName: 'cvd',
  serviceCtl: 'systemctl',
  proxyService: 'nginx',
  serviceUnitPath: '/etc/systemd/system/cvd.service',
  paths: {
    app: '/opt/cvd/app',
    database: '/opt/cvd/data/cvd.db',
    backups: '/opt/cvd/backups',
    logs: '/opt/cvd/logs',
    config: '/opt/cvd/config',
    deployments: '/opt/cvd/deployments',
  },
  installCommand: 'source venv/bin/activate && pip install -r requirements.txt',
  appUrl: 'http://localhost:5000',
  publicUrl: 'https://your-domain.com',
  caFile: '',
  functionalTestUser: 'test_user',
  testPasswordCommand: '',
  notifyWebhookUrl: '',
  thresholds: {
    maxDiskUsedPercent: 80,
    maxMemoryUsedPercent: 80,
    maxCpuPercent: 70,
    backupMaxAgeHours: 2,
    certMinDays: 30,
    minDiskFreePercent: 20,
    maxResponseMs: 2000,
    maxErrorRatePercent: 1,
    maxRegressionPercent: 50,
  },
  timeouts: { serviceSeconds: 60, healthSeconds: 120, stepSeconds: 900 },
  keepBackups: 10,
  logWindowSeconds: 120,
};

export function withDefaults(input: TargetInput): TargetConfig {
  const d = RUNBOOK_DEFAULTS;
  return {
    ...d,
    ...input,
    paths: { ...d.paths, ...input.paths },
    thresholds: { ...d.thresholds, ...input.thresholds },
    timeouts: { ...d.timeouts, ...input.timeouts },
  };
}

/** Every path a target names, in the runbook's order. */
export const PATH_KEYS = Object.keys(RUNBOOK_DEFAULTS.paths) as (keyof TargetPaths)[];
