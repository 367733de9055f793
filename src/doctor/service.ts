/** Doctor checks of what the operator's users see: the service, its URLs, the certificate. */
import type { TargetConfig } from '../config/types.js';
import { targetShell } from '../steps/shell.js';
import { daysUntil, endpoint, tlsAddress } from '../steps/urls.js';
import { sh } from '../shell/quote.js';
import { fail, pass, type CheckResult, type RemoteCheck } from './types.js';

/** systemctl status exits 4 for a unit it does not know (systemctl(1) "Exit status"). */
const UNKNOWN_UNIT = '4';

function unitScript(target: TargetConfig, unit: string, key: string): string {
  const t = targetShell(target);
  return [
    sh`if ! command -v ${target.serviceCtl} >/dev/null 2>&1; then fact ${key}Ctl missing; fi`,
    `fact ${key}State "$(${t.service('is-active', unit)} 2>/dev/null)"`,
    `${t.service('status', unit)} >/dev/null 2>&1; fact ${key}Status "$?"`,
  ].join('\n');
}

function judgeUnit(
  facts: Record<string, string>,
  target: TargetConfig,
  unit: string,
  key: string,
  name: string,
): CheckResult {
  const ctl = target.serviceCtl;
  const state = facts[`${key}State`] || 'unknown';
  if (facts[`${key}Ctl`] === 'missing')
    return {
      name,
      ...fail(
        `${ctl} is not on the target`,
        'set serviceCtl to the service manager the target uses',
      ),
    };
  if (facts[`${key}Status`] === UNKNOWN_UNIT || state === 'unknown')
    return {
      name,
      ...fail(
        `${unit} is not known to ${ctl}`,
        `check serviceName (${unit}), or install the unit at ${target.serviceUnitPath} and run ${ctl} daemon-reload`,
      ),
    };
  if (state !== 'active')
    return {
      name,
      ...fail(
        `${unit} is known to ${ctl} but ${state}`,
        `start it (${target.useSudo ? 'sudo ' : ''}${ctl} start ${unit}) and see why it stopped (${ctl} status ${unit})`,
      ),
    };
  return { name, ...pass(`${unit} is known to ${ctl} and active`) };
}

export const serviceCheck: RemoteCheck = {
  script: (target) =>
    targetShell(target).script(
      unitScript(target, target.serviceName, 'app'),
      target.proxyService ? unitScript(target, target.proxyService, 'proxy') : '',
    ),
  judge: (facts, target) => [
    judgeUnit(facts, target, target.serviceName, 'app', `service ${target.serviceName}`),
    ...(target.proxyService
      ? [judgeUnit(facts, target, target.proxyService, 'proxy', `proxy ${target.proxyService}`)]
      : []),
  ],
};

const answered = (code: string | undefined) =>
  code && code !== '000' ? `HTTP ${code}` : 'no answer';

export const urlsCheck: RemoteCheck = {
  script: (target) => {
    const t = targetShell(target);
    return t.script(
      sh`fact appCode "$(http_code ${endpoint(target.appUrl, '/health')})"`,
      // curlTls is a fragment built (and quoted) by targetShell: appended, never re-quoted.
      `fact publicCode "$(http_code ${t.curlTls} ${sh`${target.publicUrl}`})"`,
    );
  },
  judge: (facts, target) => {
    const health = endpoint(target.appUrl, '/health');
    const publicOk = /^[23]\d\d$/.test(facts.publicCode ?? '');
    return [
      facts.appCode === '200'
        ? { name: 'app URL', ...pass(`${health} answered HTTP 200 on the target`) }
        : {
            name: 'app URL',
            ...fail(
              `${health} gave ${answered(facts.appCode)} on the target`,
              'is the service running and listening where appUrl says? check appUrl and the service log',
            ),
          },
      publicOk
        ? { name: 'public URL', ...pass(`${target.publicUrl} answered HTTP ${facts.publicCode}`) }
        : {
            name: 'public URL',
            ...fail(
              `${target.publicUrl} gave ${answered(facts.publicCode)} from the target`,
              `try curl -sSI ${target.publicUrl} on the target: DNS, the proxy (${target.proxyService || 'none'}), TLS${target.caFile ? ` (caFile ${target.caFile})` : ''}`,
            ),
          },
    ];
  },
};

export const certificateCheck: RemoteCheck = {
  script: (target) => {
    const { host, port } = tlsAddress(target.publicUrl);
    return targetShell(target).script(
      sh`fact certNotAfter "$(openssl s_client -connect ${`${host}:${port}`} -servername ${host} </dev/null 2>/dev/null | openssl x509 -noout -enddate 2>/dev/null | cut -d= -f2)"`,
    );
  },
  judge: (facts, target) => {
    const min = target.thresholds.certMinDays;
    const days = daysUntil(facts.certNotAfter ?? '');
    if (days === undefined)
      return [
        {
          name: 'certificate',
          ...fail(
            `could not read the certificate of ${target.publicUrl}`,
            'check that publicUrl is https:// and its port serves TLS (openssl s_client -connect host:443)',
          ),
        },
      ];
    return [
      days > min
        ? { name: 'certificate', ...pass(`${days} days left (minimum ${min})`) }
        : {
            name: 'certificate',
            ...fail(
              `${days} days left, fewer than ${min}`,
              'renew the certificate before deploying (certbot renew, or your CA)',
            ),
          },
    ];
  },
};
