import { lambdaContext } from '../../scripts/lib/lambda-context';
import { T0 } from '../fixtures/expected';
import { HOSTILE_LABEL_NAMES, HOSTILE_REGIONS, HOSTILE_WORKSPACE_IDS, UTF8_LABEL_NAMES } from '../fixtures/hostile-targets';
import { TEST_WORKSPACE_ID } from '../support/credentials';
import { FUNCTIONS } from '../support/events';
import { loadHandler, startHarness, type Harness, type Handler } from '../support/harness';

/**
 * Injection and SSRF: hostile workspace IDs, regions and label names (label_values puts
 * the name in the URL's path) are refused before any network call (the front counts
 * every request it gets), and a workspace outside the allow-list gets a 403.
 */

let harness: Harness;
const handlers = {} as Record<(typeof FUNCTIONS)[number], Handler>;
const ARGS: Record<(typeof FUNCTIONS)[number], Record<string, unknown>> = {
  query: { query: 'up', time: T0 },
  'range-query': { query: 'up', start: T0, end: T0 + 60, step: 60 },
  'list-metrics': {},
  'server-info': {},
  integration: { operation: 'query', query: 'up', time: T0 },
  alerting: { operation: 'list_rules' },
  discovery: { operation: 'label_values', label: 'job' },
  workspaces: {},
};

beforeAll(async () => {
  harness = await startHarness();
  for (const name of FUNCTIONS) handlers[name] = await harness.handler(name);
});
afterAll(async () => harness.stop());
beforeEach(() => {
  harness.front.requests.length = 0;
});

describe.each(FUNCTIONS)('%s', (name) => {
  it.each(HOSTILE_WORKSPACE_IDS.map((id) => [JSON.stringify(id).slice(0, 60), id]))('refuses the workspace ID %s', async (_, id) => {
    const result = (await handlers[name]({ ...ARGS[name], workspace_id: id }, lambdaContext())) as { status: string; error: { type: string; message: string } };
    expect(result.status).toBe('error');
    expect(result.error.type).toBe('validation_error');
    expect(result.error.message).toMatch(/^field 'workspace_id' (must match|must not have)/);
    expect(harness.front.requests).toHaveLength(0);
  });

  it.each(HOSTILE_REGIONS.map((region) => [JSON.stringify(region).slice(0, 60), region]))('refuses the region %s', async (_, region) => {
    const result = (await handlers[name]({ ...ARGS[name], region }, lambdaContext())) as { status: string; error: { type: string; message: string } };
    expect(result.status).toBe('error');
    expect(result.error.message).toMatch(/^field 'region' must match/);
    expect(harness.front.requests).toHaveLength(0);
  });
});

describe.each([
  ['the discovery function', 'discovery', {}],
  ['the router', 'integration', {}],
  ['a gateway tool call', 'integration', { toolName: 'discover' }],
] as const)('label_values through %s', (_, name, context) => {
  it.each(HOSTILE_LABEL_NAMES.map((label) => [JSON.stringify(label).slice(0, 60), label]))('refuses the label name %s', async (_, label) => {
    const args = 'toolName' in context ? { label } : { operation: 'label_values', label };
    const result = (await handlers[name](args, lambdaContext(context))) as { status: string; error: { type: string; message: string } };
    expect(result.status).toBe('error');
    expect(result.error.type).toBe('validation_error');
    expect(result.error.message).toMatch(
      /^field 'label' must (be a label name \(UTF-8 allowed; no whitespace, \/, \\, %, \?, #, & or control characters; not \. or \.\.\) such as job$|be string|not have more than 1024 characters)/,
    );
    expect(harness.front.requests).toHaveLength(0);
  });
});

describe('the workspace allow-list', () => {
  const OTHER = 'ws-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

  it.each(FUNCTIONS)('%s refuses a workspace outside it with a 403, before any call', async (name) => {
    const handler = await loadHandler(name, { PROMETHEUS_URL: harness.front.workspaceUrl, ALLOWED_WORKSPACE_IDS: TEST_WORKSPACE_ID });
    const result = (await handler({ body: { ...ARGS[name], workspace_id: OTHER } }, lambdaContext())) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(403);
    expect(JSON.parse(result.body)).toEqual({
      status: 'error',
      error: { type: 'access_denied', message: `workspace ${OTHER} is not one this deployment may query (ALLOWED_WORKSPACE_IDS: ${TEST_WORKSPACE_ID})` },
    });
    expect(harness.front.requests).toHaveLength(0);
  });

  it('lets a listed workspace, and the default one, through', async () => {
    const handler = await loadHandler('query', {
      PROMETHEUS_URL: harness.front.workspaceUrl,
      ALLOWED_WORKSPACE_IDS: `${OTHER},${TEST_WORKSPACE_ID}`,
      WORKSPACE_ID: TEST_WORKSPACE_ID,
    });
    for (const args of [{ ...ARGS.query, workspace_id: TEST_WORKSPACE_ID }, ARGS.query]) {
      expect(((await handler(args, lambdaContext())) as { status: string }).status).toBe('success');
    }
    expect(harness.front.requests).toHaveLength(2);
  });
});

describe('UTF-8 label names (Prometheus 3, CloudWatch)', () => {
  it.each(UTF8_LABEL_NAMES.map((label) => [JSON.stringify(label), label]))('pass %s percent-encoded in the path, which it cannot change', async (_, label) => {
    await handlers.discovery({ operation: 'label_values', label }, lambdaContext());
    const first = harness.front.requests[0]!;
    expect(first.url.split('?')[0]).toBe(`/workspaces/${TEST_WORKSPACE_ID}/api/v1/label/${encodeURIComponent(label)}/values`);
    // Three path segments, the middle one the name: nothing in it became a path step.
    expect(first.endpoint!.split('/').map(decodeURIComponent)).toEqual(['label', label, 'values']);
    expect(first.signatureError).toBeUndefined();
  });
});
