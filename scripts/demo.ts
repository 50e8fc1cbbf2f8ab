/**
 * The local default, end to end: a real Prometheus on 127.0.0.1 loaded with the
 * sample data (tests/fixtures/dataset.ts), sending its alerts to a real Alertmanager that
 * holds an operator's silence and an inhibited alert (tests/fixtures/alertmanager.ts);
 * each function invoked in-process with its events/*.json against them; what an agent
 * reads of the alerts tool; then the post-deploy verification state machine
 * (statemachine/verify.asl.json) run locally over the same functions, and its report.
 * Needs Debian's prometheus and prometheus-alertmanager packages (scripts/setup.sh).
 *
 *   npm run demo
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { toolText, type Envelope } from '../src/shared/responses';
import { lambdaContext } from './lib/lambda-context';
import { startLocalAlertmanager, waitForAlert } from './lib/local-alertmanager';
import { startLocalPrometheus } from './lib/local-prometheus';
import { runVerificationLocally, type LambdaHandler } from './lib/local-verify';
import { formatReport, withLatencies } from './lib/verification-report';

const FUNCTIONS = ['server-info', 'list-metrics', 'query', 'range-query', 'integration', 'discovery', 'alerting', 'workspaces'] as const;
const WORKSPACE_ID = 'ws-12345678-abcd-1234-efgh-123456789012';

async function main(): Promise<number> {
  process.stdout.write('Starting a local Alertmanager with an alert, an inhibition and a silence…\n');
  const alertmanager = await startLocalAlertmanager();
  await alertmanager.seed();
  process.stdout.write('Starting a local Prometheus with the sample data…\n');
  const prometheus = await startLocalPrometheus({ alertmanagerUrl: alertmanager.url }).catch(async (error: unknown) => {
    await alertmanager.stop();
    throw error;
  });
  process.stdout.write(`Prometheus ${prometheus.version} at ${prometheus.url}, Alertmanager at ${alertmanager.url}\n\n`);
  let failures = 0;
  try {
    process.env.PROMETHEUS_URL = prometheus.url;
    process.env.ALERTMANAGER_URL = alertmanager.url;
    process.env.PROMETHEUS_SIGV4 = 'false';
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    const handlers = {} as Record<(typeof FUNCTIONS)[number], LambdaHandler>;
    for (const name of FUNCTIONS) {
      const { handler } = (await import(`../src/handlers/${name}`)) as {
        handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<{ statusCode: number; body: string }>;
      };
      handlers[name] = handler;
      const event = JSON.parse(readFileSync(path.join(__dirname, '..', 'events', `${name}.json`), 'utf8'));
      const result = await handler(event, lambdaContext({ functionName: `prometheus-${name}` }));
      if (result.statusCode !== 200) failures++;
      process.stdout.write(`── ${name}  (events/${name}.json → HTTP ${result.statusCode})\n`);
      process.stdout.write(`${summarize(JSON.parse(result.body))}\n\n`);
    }

    // What an agent reads of the alerts tool (a tool call through the router, as the gateway makes it).
    await waitForAlert(alertmanager.url, 'AlwaysFiring');
    for (const args of [{}, { show: 'silences' }]) {
      const envelope = (await handlers.integration(args, lambdaContext({ toolName: 'alerts', functionName: 'prometheus-integration' }))) as unknown as Envelope;
      if (envelope.status !== 'success') failures++;
      process.stdout.write(`── the alerts tool ${JSON.stringify(args)}: what the model reads\n${toolText(envelope)}\n\n`);
    }

    process.stdout.write('── post-deploy verification (statemachine/verify.asl.json, run locally)\n');
    const run = await runVerificationLocally({ handlers, defaultWorkspaceId: WORKSPACE_ID, defaultRegion: process.env.AWS_REGION });
    process.stdout.write(`${formatReport(withLatencies(run.report, run.spans), run.status)}\n`);
    if (run.status !== 'SUCCEEDED') {
      failures++;
      process.stdout.write(`${run.cause}\n`);
    }
  } finally {
    await prometheus.stop();
    await alertmanager.stop();
  }
  process.stdout.write(failures === 0 ? `\nAll ${FUNCTIONS.length} functions answered, and the verification passed.\n` : `\n${failures} failure(s).\n`);
  process.stdout.write(
    '\nTo see a query as a chart: the local MCP server (npm run mcp) links the query tool to an MCP App, ' +
      'ui://prometheus-tools/query-view.html (built into dist/query-view.html). Connect it to a host that renders ' +
      'MCP Apps (Claude, VS Code, Goose…) with PROMETHEUS_URL set to your Prometheus, and ask for a range ' +
      '(query with start): the host draws the answer beside it. docs/query-view.png shows one.\n',
  );
  return failures === 0 ? 0 : 1;
}

/** A short, readable view of an envelope: series with their values, or the data itself. */
function summarize(envelope: { status: string; data?: any; error?: unknown }): string {
  if (envelope.status !== 'success') return JSON.stringify(envelope.error, null, 2);
  const { data } = envelope;
  if (Array.isArray(data?.result)) {
    return data.result
      .map((s: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }) => {
        const labels = Object.entries(s.metric).map(([k, v]) => `${k}="${v}"`).join(', ');
        const values = s.value !== undefined ? s.value[1] : `${s.values!.length} points: ${s.values!.map((v) => v[1]).join(' ')}`;
        return `  {${labels}}  ${values}`;
      })
      .join('\n');
  }
  return JSON.stringify(data, null, 2);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
