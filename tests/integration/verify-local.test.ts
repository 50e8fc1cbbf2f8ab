import { NO_ALERTMANAGER_CONFIGURED } from '../../src/shared/prometheus-client';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { runVerificationLocally, type LambdaHandler } from '../../scripts/lib/local-verify';
import { formatReport, withLatencies } from '../../scripts/lib/verification-report';
import { ALL_METRICS, RULE_GROUPS } from '../fixtures/expected';
import { TEST_REGION, TEST_WORKSPACE_ID } from '../support/credentials';
import { FUNCTIONS } from '../support/events';
import type { CloudWatchFront } from '../support/cloudwatch-front';
import { cloudWatchEnv, loadHandler, startHarness, startTestCloudWatchFront, type Harness } from '../support/harness';
import { knownIdentities } from '../support/iam';

/**
 * The deployed definition, statemachine/verify.asl.json, run locally with its Task
 * state calling the handlers in-process against the real Prometheus (through the
 * SigV4-checking front).
 */

let harness: Harness;
let handlers: Record<(typeof FUNCTIONS)[number], LambdaHandler>;

beforeAll(async () => {
  harness = await startHarness();
  handlers = {} as typeof handlers;
  for (const name of FUNCTIONS) handlers[name] = await harness.handler(name);
});
afterAll(async () => harness.stop());
afterEach(() => {
  harness.front.fault = undefined;
  harness.front.requests.length = 0;
});

const verify = (input?: Record<string, unknown>, using = handlers, cloudWatch = false) =>
  runVerificationLocally({ handlers: using, input, defaultWorkspaceId: TEST_WORKSPACE_ID, defaultRegion: TEST_REGION, cloudWatch });

// Every live `up` series (the scrape target's own, and the fixture's it exposes) is scraped as job="fixture".
const JOBS = 1;

/** The label names Prometheus itself lists (what the discovery check counts). */
async function labelNames(): Promise<number> {
  const answer = (await (await fetch(`${process.env.LOCAL_PROMETHEUS_URL}/api/v1/labels`)).json()) as { data: string[] };
  return answer.data.length;
}

/** The checks of the functions a test does not break. */
const newChecks = async () => [
  { name: 'discovery', passed: true, detail: `${await labelNames()} label names` },
  { name: 'alerting', passed: true, detail: `${RULE_GROUPS.flatMap((g) => g.rules).length} rules` },
  // PROMETHEUS_URL without ALERTMANAGER_URL: said as such, and not a failure.
  { name: 'alertmanager', passed: true, detail: `no Alertmanager: ${NO_ALERTMANAGER_CONFIGURED}` },
  { name: 'workspaces', passed: true, detail: '1 workspaces' },
];

it('passes against the real Prometheus with the exact report, its queries signed and sent as written', async () => {
  const run = await verify();
  expect(run.status).toBe('SUCCEEDED');
  expect(run.output).toEqual(run.report);
  expect(run.report).toEqual({
    passed: 9,
    failed: 0,
    checks: [
      { name: 'server_info', passed: true, detail: expect.stringMatching(new RegExp(`^${harness.front.workspaceUrl}/api/v1 reachable in [0-9.]+ ms$`)) },
      { name: 'list_metrics', passed: true, detail: `${ALL_METRICS.length} metrics` },
      { name: 'query', passed: true, detail: `count by (job) (up) returned ${JOBS} series` },
      { name: 'range_query', passed: true, detail: `sum by (job) (rate(up[5m])) over the last hour returned ${JOBS} series` },
      { name: 'integration', passed: true, detail: `routed list_metrics: ${ALL_METRICS.length} metrics` },
      ...(await newChecks()),
    ],
  });
  // Every function really ran, signed, through the front; the queries arrived as written.
  expect(new Set(harness.front.requests.map((r) => r.endpoint))).toEqual(new Set(['query', 'status/buildinfo', 'label/__name__/values', 'query_range', 'labels', 'rules']));
  for (const request of harness.front.requests) expect({ signatureError: request.signatureError, status: request.status }).toEqual({ signatureError: undefined, status: 200 });
  const queries = (endpoint: string) => harness.front.requests.filter((r) => r.endpoint === endpoint).map((r) => r.params.query?.[0]);
  expect(queries('query_range')).toEqual(['sum by (job) (rate(up[5m]))']);
  expect(queries('query')).toContain('count by (job) (up)');
  const checks = withLatencies(run.report, run.spans);
  for (const check of checks) expect(check.latency_ms).toBeGreaterThanOrEqual(0);
  expect(formatReport(checks, run.status)).toMatch(/SUCCEEDED: 9 passed, 0 failed$/);
});

it('uses the query it is given, and fails naming the checks a bad one breaks', async () => {
  const run = await verify({ query: 'sum(up' });
  expect(run.status).toBe('FAILED');
  expect(run.error).toBe('VerificationFailed');
  expect(run.cause).toBe('failed checks: query range_query');
  // What the query function itself answers to that query, word for word.
  const answer = (await handlers.query({ query: 'sum(up' }, lambdaContext({ functionName: 'query' }))) as { error: { type: string; message: string } };
  expect(answer.error.type).toBe('invalid_promql');
  const message = `${answer.error.type}: ${answer.error.message}`;
  expect(run.report.passed).toBe(7);
  expect(run.report.failed).toBe(2);
  expect(run.report.checks.slice(2, 4)).toEqual([
    { name: 'query', passed: false, detail: message },
    { name: 'range_query', passed: false, detail: message },
  ]);
});

it('fails every check, and says why, when the upstream is down', async () => {
  harness.front.fault = (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('service unavailable');
    return true;
  };
  const run = await verify();
  expect(run.status).toBe('FAILED');
  // The workspaces check needs no call with PROMETHEUS_URL: it alone passes.
  expect(run.cause).toBe('failed checks: server_info list_metrics query range_query integration discovery alerting');
  const down = 'upstream_error: Prometheus answered HTTP 503 (after 3 attempts): service unavailable';
  expect(run.report.checks.map((c) => c.detail)).toEqual([
    `${harness.front.workspaceUrl}/api/v1 not reachable: Prometheus answered HTTP 503 (after 3 attempts): service unavailable`,
    down,
    down,
    down,
    down,
    down,
    down,
    `no Alertmanager: ${NO_ALERTMANAGER_CONFIGURED}`,
    '1 workspaces',
  ]);
});

it('reports a function that throws, or answers something else than an envelope, as a failed check, and goes on', async () => {
  const run = await verify(undefined, {
    ...handlers,
    'list-metrics': async () => {
      throw new TypeError('boom');
    },
    'server-info': async () => ({ status: 'success', data: { unexpected: true } }),
    integration: async () => 'not an envelope',
  });
  expect(run.status).toBe('FAILED');
  expect(run.cause).toBe('failed checks: server_info list_metrics integration');
  const unexpected = 'the function answered without the success or error envelope this check reads';
  expect(run.report.checks).toEqual([
    { name: 'server_info', passed: false, detail: unexpected },
    { name: 'list_metrics', passed: false, detail: 'the function failed: TypeError' },
    { name: 'query', passed: true, detail: `count by (job) (up) returned ${JOBS} series` },
    { name: 'range_query', passed: true, detail: `sum by (job) (rate(up[5m])) over the last hour returned ${JOBS} series` },
    { name: 'integration', passed: false, detail: unexpected },
    ...(await newChecks()),
  ]);
});

it('keeps every state small when Prometheus answers thousands of series: the check’s arguments bound each answer', async () => {
  const series = Array.from({ length: 5000 }, (_, i) => ({ metric: { job: `job-${i}`, instance: `host-${i}:9100` }, value: [1680307200, '1'] }));
  harness.front.fault = (req, res) => {
    if (req.endpoint !== 'query') return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: series } }));
    return true;
  };
  const run = await verify();
  expect(run.report.checks[2]).toEqual({ name: 'query', passed: true, detail: 'count by (job) (up) returned 20 series' });
  // 5,000 series are ~400 KB; Step Functions refuses more than 256 KB in any state.
  expect(Buffer.byteLength(JSON.stringify(series))).toBeGreaterThan(256 * 1024);
  expect(run.largestStateBytes).toBeLessThan(16 * 1024);
});

describe('with CloudWatch PromQL (CloudWatchPromQL=true)', () => {
  /** Every function as a stack with CloudWatch PromQL deploys it, CloudWatch's endpoint being `front`. */
  async function cloudWatchHandlers(front: CloudWatchFront): Promise<typeof handlers> {
    const deployed = {} as typeof handlers;
    for (const name of FUNCTIONS) deployed[name] = await loadHandler(name, { PROMETHEUS_URL: harness.front.workspaceUrl, ...cloudWatchEnv(front) });
    return deployed;
  }
  let front: CloudWatchFront | undefined;
  afterEach(async () => {
    await front?.stop();
    front = undefined;
  });

  it('checks CloudWatch too: the query function, signed for monitoring with its own role, counting the series of a named metric', async () => {
    front = await startTestCloudWatchFront();
    const run = await verify(undefined, await cloudWatchHandlers(front), true);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.report.checks.map((c) => c.name)).toEqual(['server_info', 'list_metrics', 'query', 'range_query', 'integration', 'discovery', 'alerting', 'alertmanager', 'workspaces', 'cloudwatch']);
    // The fixture's Invocations are from 2023: none now, which passes (the path, IAM and signing are what is checked).
    expect(run.report.checks.at(-1)).toEqual({ name: 'cloudwatch', passed: true, detail: 'count({"Invocations"}) on CloudWatch returned 0 series' });
    expect(front.requests[0]).toMatchObject({ endpoint: 'query', params: { query: ['count({"Invocations"})'] }, service: 'monitoring', role: 'prometheus-tools-QueryFunctionRole', status: 200 });
    // The hints of the empty answer read CloudWatch too, with the same role: every call signed for monitoring and allowed.
    expect(front.requests.length).toBeGreaterThan(1);
    for (const request of front.requests) {
      expect({ service: request.service, role: request.role, signatureError: request.signatureError, accessDenied: request.accessDenied }).toEqual({
        service: 'monitoring',
        role: 'prometheus-tools-QueryFunctionRole',
        signatureError: undefined,
        accessDenied: undefined,
      });
    }
  });

  it("fails the CloudWatch check, with IAM's refusal, where the roles lack CloudWatch's actions (a stack deployed without it)", async () => {
    front = await startTestCloudWatchFront({ identities: knownIdentities() });
    const run = await verify({ cloudwatch: true }, await cloudWatchHandlers(front));
    expect(run.status).toBe('FAILED');
    expect(run.cause).toBe('failed checks: cloudwatch');
    expect(run.report.checks.at(-1)).toEqual({
      name: 'cloudwatch',
      passed: false,
      detail: expect.stringMatching(/^access_denied: .*is not authorized to perform: cloudwatch:GetMetricData on resource: \*/),
    });
    expect(front.requests.map((r) => [r.endpoint, r.status])).toEqual([['query', 403]]);
  });

  it('fails the CloudWatch check, saying how to enable it, where the functions do not enable CloudWatch', async () => {
    const run = await verify({ cloudwatch: 'true' });
    expect(run.cause).toBe('failed checks: cloudwatch');
    expect(run.report.checks.at(-1)).toEqual({
      name: 'cloudwatch',
      passed: false,
      detail: expect.stringContaining('CloudWatch PromQL is not enabled on this deployment (template parameter CloudWatchPromQL=true)'),
    });
  });
});
