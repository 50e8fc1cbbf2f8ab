import { startLocalPrometheus, type LocalPrometheus } from '../../scripts/lib/local-prometheus';

declare global {
  var localPrometheus: LocalPrometheus | undefined;
}

/** One real Prometheus for the whole integration run; workers find it through the environment. */
export default async function globalSetup(): Promise<void> {
  const prometheus = await startLocalPrometheus();
  globalThis.localPrometheus = prometheus;
  process.env.LOCAL_PROMETHEUS_URL = prometheus.url;
  process.env.LOCAL_PROMETHEUS_VERSION = prometheus.version;
}
