import { startLocalPrometheus } from './scripts/lib/local-prometheus';
import { runVerificationLocally } from './scripts/lib/local-verify';
import { formatReport, withLatencies } from './scripts/lib/verification-report';
(async () => {
  const p = await startLocalPrometheus();
  process.env.PROMETHEUS_URL = p.url; process.env.PROMETHEUS_SIGV4 = 'false'; process.env.POWERTOOLS_LOG_LEVEL = 'SILENT'; process.env.POWERTOOLS_METRICS_DISABLED='true';
  const handlers: any = {};
  for (const n of ['server-info','list-metrics','query','range-query','integration']) handlers[n] = (await import(`./src/handlers/${n}`)).handler;
  try {
    const run = await runVerificationLocally({ handlers, defaultWorkspaceId: 'ws-12345678-abcd-1234-efgh-123456789012', defaultRegion: 'us-east-1' });
    console.log(JSON.stringify(run.report, null, 1), run.status, run.error, run.cause);
    console.log(formatReport(withLatencies(run.report, run.spans), run.status));
    const bad = await runVerificationLocally({ handlers, input: { query: 'sum(' }, defaultWorkspaceId: 'ws-12345678-abcd-1234-efgh-123456789012', defaultRegion: 'us-east-1' });
    console.log(formatReport(withLatencies(bad.report, bad.spans), bad.status), bad.error, bad.cause);
  } finally { await p.stop(); }
})().catch(e => { console.error(e); process.exit(1); });
