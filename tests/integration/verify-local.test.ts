import { runVerificationLocally, type LambdaHandler } from '../../scripts/lib/local-verify';
import { formatReport, withLatencies } from '../../scripts/lib/verification-report';
import { FIXTURE } from '../fixtures/dataset';
import { ALL_METRICS } from '../fixtures/expected';
import { TEST_REGION, TEST_WORKSPACE_ID } from '../support/credentials';
import { FUNCTIONS } from '../support/events';
import { startHarness, type Harness } from '../support/harness';

/**
 * The deployed definition, statemachine/verify.asl.json, run locally with its Task
 * states calling the handlers in-process against the real Prometheus (through the
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
});

const verify = (input?: Record<string, unknown>) =>
  runVerificationLocally({ handlers, input, defaultWorkspaceId: TEST_WORKSPACE_ID, defaultRegion: TEST_REGION });

// `up` now: the live scrape target's own `up`, and the fixture's `up` series it exposes.
const LIVE_UP_SERIES = 1 + FIXTURE.find((f) => f.name === 'up')!.series.length;

it('passes against the real Prometheus with the exact report', async () => {
  const run = await verify();
  expect(run.status).toBe('SUCCEEDED');
  expect(run.output).toEqual(run.report);
  expect(run.report).toEqual({
    passed: 5,
    failed: 0,
    checks: [
      { name: 'server_info', passed: true, detail: expect.stringMatching(new RegExp(`^${harness.front.workspaceUrl}/api/v1 reachable in [0-9.]+ ms$`)) },
      { name: 'list_metrics', passed: true, detail: `${ALL_METRICS.length} metrics` },
      { name: 'query', passed: true, detail: `up returned ${LIVE_UP_SERIES} series` },
      { name: 'range_query', passed: true, detail: `up over the last hour returned ${LIVE_UP_SERIES} series` },
      { name: 'integration', passed: true, detail: `routed list_metrics: ${ALL_METRICS.length} metrics` },
    ],
  });
  // Every function really ran, signed, through the front.
  expect(new Set(harness.front.requests.map((r) => r.endpoint))).toEqual(new Set(['query', 'status/buildinfo', 'label/__name__/values', 'query_range']));
  const checks = withLatencies(run.report, run.spans);
  for (const check of checks) expect(check.latency_ms).toBeGreaterThanOrEqual(0);
  expect(formatReport(checks, run.status)).toMatch(/SUCCEEDED: 5 passed, 0 failed$/);
});

it('uses the query it is given, and fails naming the checks a bad one breaks', async () => {
  const run = await verify({ query: 'sum(up' });
  expect(run.status).toBe('FAILED');
  expect(run.error).toBe('VerificationFailed');
  expect(run.cause).toBe('failed checks: query range_query');
  const message = `invalid_promql: field 'query' is not valid PromQL: unclosed "(" at line 1, column 4 (offset 3)`;
  expect(run.report.passed).toBe(3);
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
  expect(run.cause).toBe('failed checks: server_info list_metrics query range_query integration');
  expect(run.report.checks.map((c) => c.detail)).toEqual([
    `${harness.front.workspaceUrl}/api/v1 not reachable: Prometheus answered HTTP 503 (after 3 attempts): service unavailable`,
    'upstream_error: Prometheus answered HTTP 503 (after 3 attempts): service unavailable',
    'upstream_error: Prometheus answered HTTP 503 (after 3 attempts): service unavailable',
    'upstream_error: Prometheus answered HTTP 503 (after 3 attempts): service unavailable',
    'upstream_error: Prometheus answered HTTP 503 (after 3 attempts): service unavailable',
  ]);
});

it('reports a function that throws as a failed check, and goes on', async () => {
  const broken = { ...handlers, 'list-metrics': async () => { throw new TypeError('boom'); } };
  const run = await runVerificationLocally({ handlers: broken, defaultWorkspaceId: TEST_WORKSPACE_ID, defaultRegion: TEST_REGION });
  expect(run.status).toBe('FAILED');
  expect(run.cause).toBe('failed checks: list_metrics');
  expect(run.report.checks[1]).toEqual({ name: 'list_metrics', passed: false, detail: 'the function failed: TypeError' });
  // No metric list: the query falls back to `up`.
  expect(run.report.checks[2]).toEqual({ name: 'query', passed: true, detail: `up returned ${LIVE_UP_SERIES} series` });
});
