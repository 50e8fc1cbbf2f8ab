import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { startLocalAlertmanager, type LocalAlertmanager } from '../../scripts/lib/local-alertmanager';
import { startLocalPrometheus, type LocalPrometheus } from '../../scripts/lib/local-prometheus';
import { CLOUDWATCH_FIXTURE, toUtf8OpenMetrics } from '../fixtures/cloudwatch-dataset';

declare global {
  var localPrometheus: LocalPrometheus | undefined;
  var localPrometheus3: LocalPrometheus | undefined;
  var localAlertmanager: LocalAlertmanager | undefined;
}

/** Where scripts/install-prometheus3.sh (run by scripts/setup.sh) puts Prometheus 3; absolute, as Prometheus runs in its own directory. */
const PROMETHEUS3 = path.resolve(__dirname, '..', '..', '.tools', 'prometheus3');

/**
 * Two real Prometheus servers for the whole integration run, started side by side;
 * workers find them through the environment. Debian's 2.42 with the fixture stands
 * behind the AMP-like front; a Prometheus 3, which reads UTF-8 names, with CloudWatch's
 * kind of data behind the CloudWatch PromQL stand-in (tests/support/cloudwatch-front.ts):
 * its series typed by their `__type__` label, as CloudWatch's are.
 */
export default async function globalSetup(): Promise<void> {
  const binaries = { prometheusBin: path.join(PROMETHEUS3, 'prometheus'), promtoolBin: path.join(PROMETHEUS3, 'promtool') };
  for (const bin of Object.values(binaries)) {
    await access(bin, constants.X_OK).catch(() => {
      throw new Error(`${bin} is missing: run scripts/setup.sh (it builds Prometheus 3 with scripts/install-prometheus3.sh) before the integration tests`);
    });
  }
  // Debian's Alertmanager, which the fixture's Prometheus sends its alerts to, with the
  // fixture's other alerts and silence (tests/fixtures/alertmanager.ts).
  const alertmanager = await startLocalAlertmanager();
  try {
    await alertmanager.seed();
  } catch (error) {
    await alertmanager.stop();
    throw error;
  }
  globalThis.localAlertmanager = alertmanager;
  process.env.LOCAL_ALERTMANAGER_URL = alertmanager.url;
  process.env.LOCAL_ALERTMANAGER_SILENCE_ID = alertmanager.silenceId;
  const started = await Promise.allSettled([
    startLocalPrometheus({ alertmanagerUrl: alertmanager.url }),
    startLocalPrometheus({
      ...binaries,
      families: CLOUDWATCH_FIXTURE,
      openMetrics: toUtf8OpenMetrics,
      backfillOnly: true,
      flags: ['--enable-feature=type-and-unit-labels'],
    }),
  ]);
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) {
    // The one that started is stopped: no server outlives a failed setup.
    await Promise.all([...started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)), alertmanager.stop()]);
    throw failed.reason;
  }
  const [prometheus, prometheus3] = started.map((result) => (result as PromiseFulfilledResult<LocalPrometheus>).value) as [LocalPrometheus, LocalPrometheus];
  globalThis.localPrometheus = prometheus;
  globalThis.localPrometheus3 = prometheus3;
  process.env.LOCAL_PROMETHEUS_URL = prometheus.url;
  process.env.LOCAL_PROMETHEUS_VERSION = prometheus.version;
  process.env.LOCAL_PROMETHEUS3_URL = prometheus3.url;
  process.env.LOCAL_PROMETHEUS3_VERSION = prometheus3.version;
}
