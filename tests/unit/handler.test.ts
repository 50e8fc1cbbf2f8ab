import { withinLambdaLimit, type Handler } from '../support/harness';
import { AmpClient, DescribeWorkspaceCommand } from '@aws-sdk/client-amp';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as integrationHandler } from '../../src/handlers/integration';
import { handler as queryHandler } from '../../src/handlers/query';
import { REGISTRY } from '../../src/operations';
import { logger } from '../../src/shared/observability';
import { clearWorkspaceCache } from '../../src/shared/workspace';
import { TEST_CREDENTIALS, TEST_WORKSPACE_ID } from '../support/credentials';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { ok, startScriptedServer } from '../support/scripted-server';

// Every call fails, as on Lambda, when its response is over Lambda's 6 MB limit.
const integration = withinLambdaLimit(integrationHandler as Handler);
const query = withinLambdaLimit(queryHandler as Handler);

/**
 * The handler's edge without a Prometheus: routing, the response contract, errors,
 * logs. AWS is mocked (aws-sdk-client-mock); Prometheus is a scripted local server.
 */

const amp = mockClient(AmpClient);
const vector = { resultType: 'vector', result: [{ metric: { __name__: 'up' }, value: [1680307200, '1'] }] };
let server: Awaited<ReturnType<typeof startScriptedServer>>;
let logs: string[];

beforeAll(async () => {
  server = await startScriptedServer([ok(vector)]);
});
afterAll(async () => server.stop());
beforeEach(() => {
  amp.reset();
  clearWorkspaceCache();
  amp.on(DescribeWorkspaceCommand).resolves({
    workspace: {
      workspaceId: TEST_WORKSPACE_ID,
      arn: `arn:aws:aps:us-east-1:123456789012:workspace/${TEST_WORKSPACE_ID}`,
      status: { statusCode: 'ACTIVE' },
      prometheusEndpoint: `${server.url}/workspaces/${TEST_WORKSPACE_ID}/`,
    },
  } as never);
  server.received.length = 0;
  logs = [];
  logger.setLogLevel('DEBUG');
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    jest.spyOn(console, level).mockImplementation((...parts: unknown[]) => {
      logs.push(parts.map(String).join(' '));
    });
  }
});
afterEach(() => {
  jest.restoreAllMocks();
  logger.setLogLevel('SILENT');
});

describe('the edge of every handler', () => {
  it('resolves the workspace, queries it and answers the envelope', async () => {
    const result = await query({ workspace_id: TEST_WORKSPACE_ID, query: 'up' }, lambdaContext());
    expect(result).toEqual({ status: 'success', data: vector });
    expect(server.received.map((r) => r.url)).toEqual([`/workspaces/${TEST_WORKSPACE_ID}/api/v1/query?query=up&stats=all`]);
  });

  it('logs one JSON line per request with the correlation ids, and no credential', async () => {
    await query({ body: { workspace_id: TEST_WORKSPACE_ID, query: 'up' } }, lambdaContext());
    const completed = logs.map((l) => JSON.parse(l)).find((l) => l.message === 'request completed');
    expect(completed).toMatchObject({
      level: 'INFO',
      function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      operation: 'query',
      workspace_id: TEST_WORKSPACE_ID,
      status_code: 200,
      series: 1,
      retries: 0,
    });
    const all = logs.join('\n');
    for (const secret of Object.values(TEST_CREDENTIALS)) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/authorization|x-amz-security-token|Signature=/i);
  });

  it('clears the per-request keys after each invocation', async () => {
    await query({ workspace_id: TEST_WORKSPACE_ID, query: 'up' }, lambdaContext());
    logger.info('between invocations');
    const between = JSON.parse(logs[logs.length - 1]!);
    expect(between.workspace_id).toBeUndefined();
    expect(between.operation).toBeUndefined();
  });

  it.each([
    [{ query: 'up; rm -rf /' }, 400, 'blocked_pattern', "field 'query' contains the blocked pattern ';'"],
    [{ query: 'sum(up' }, 400, 'invalid_promql', `field 'query' is not valid PromQL: unclosed "(" at line 1, column 4 (offset 3)`],
    [{ query: 'up', region: 'us-east-1.evil.com' }, 400, 'validation_error', "field 'region' must match"],
    [{ body: '{not json' }, 400, 'validation_error', "field 'body' is not valid JSON"],
  ])('refuses %j before any network call', async (event, statusCode, type, message) => {
    const result = (await query(event, lambdaContext())) as unknown as Record<string, unknown>;
    const envelope = 'statusCode' in result ? (expect(result.statusCode).toBe(statusCode), JSON.parse(result.body as string)) : result;
    expect(envelope.status).toBe('error');
    expect(envelope.error.type).toBe(type);
    expect(envelope.error.message).toContain(message);
    expect(server.received).toHaveLength(0);
    expect(amp.commandCalls(DescribeWorkspaceCommand)).toHaveLength(0);
  });

  it('refuses a gateway call for another tool', async () => {
    const result = await query({ query: 'up' }, lambdaContext({ toolName: 'list_metrics' }));
    expect(result).toEqual({
      status: 'error',
      error: { type: 'validation_error', message: "this function serves the tool 'query', not 'list_metrics'" },
    });
  });

  it('hides an unexpected failure behind a 500 that names the request, and logs it', async () => {
    // An endpoint that is not a URL makes `new URL` throw a TypeError the core does not expect.
    amp.on(DescribeWorkspaceCommand).resolves({
      workspace: { workspaceId: TEST_WORKSPACE_ID, arn: 'arn:x', status: { statusCode: 'ACTIVE' }, prometheusEndpoint: 'not a url' },
    } as never);
    const result = (await query({ body: { workspace_id: TEST_WORKSPACE_ID, query: 'up' } }, lambdaContext())) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({
      status: 'error',
      error: {
        type: 'internal_error',
        message: "internal error; the function's logs have the details (request c6af9ac6-7b61-11e6-9a41-93e812345678)",
      },
    });
    const logged = logs.map((l) => JSON.parse(l)).find((l) => l.message === 'unexpected error');
    expect(logged.error).toMatchObject({ name: 'TypeError', message: 'Invalid URL' });
  });
});

describe('failure logs keep the reason', () => {
  const named = (name: string) => Object.assign(new Error(`${name} from AMP`), { name });
  const endpoint = (prometheusEndpoint: string) => ({
    workspace: { workspaceId: TEST_WORKSPACE_ID, arn: 'arn:x', status: { statusCode: 'ACTIVE' }, prometheusEndpoint },
  });

  it.each([
    ['a refusal of the input', () => undefined, { query: 'up', limit: 1 }, 'INFO', 'request refused'],
    ['AMP access denied', () => amp.on(DescribeWorkspaceCommand).rejects(named('AccessDeniedException')), { query: 'up' }, 'ERROR', 'request failed'],
    ['AMP throttling', () => amp.on(DescribeWorkspaceCommand).rejects(named('ThrottlingException')), { query: 'up' }, 'ERROR', 'request failed'],
    ['an unknown workspace', () => amp.on(DescribeWorkspaceCommand).rejects(named('ResourceNotFoundException')), { query: 'up' }, 'INFO', 'request refused'],
    ['an unreachable upstream', () => amp.on(DescribeWorkspaceCommand).resolves(endpoint('http://127.0.0.1:1/') as never), { query: 'up' }, 'ERROR', 'request failed'],
    ['an unexpected failure', () => amp.on(DescribeWorkspaceCommand).resolves(endpoint('not a url') as never), { query: 'up' }, 'ERROR', 'unexpected error'],
  ])('%s: logged with its type and message, and Powertools warns of nothing', async (_, arrange, args, level, message) => {
    arrange();
    const envelope = (await query({ workspace_id: TEST_WORKSPACE_ID, ...args }, lambdaContext())) as { error: { type: string; message: string } };
    const lines = logs.map((l) => JSON.parse(l) as { level: string; message: string; error?: { type: string; message: string } });
    const logged = lines.find((l) => l.message === message);
    expect(logged?.level).toBe(level);
    expect(logged?.error?.type).toBe(envelope.error.type);
    if (envelope.error.type === 'internal_error') expect(logged?.error?.message).toBe('Invalid URL');
    else expect(logged?.error?.message).toBe(envelope.error.message);
    expect(lines.filter((l) => l.level === 'WARN')).toEqual([]);
  });
});

describe('tool calls', () => {
  it('answers flat even when an argument is named body', async () => {
    const result = await query({ workspace_id: TEST_WORKSPACE_ID, query: 'up', body: '{}' }, lambdaContext({ toolName: 'query' }));
    expect(result).toEqual({
      status: 'error',
      error: { type: 'validation_error', message: "unknown field 'body' (allowed: workspace_id, region, query, time, max_series, format, precision, max_samples_processed_warning_threshold, max_samples_processed_error_threshold)" },
    });
  });
});

describe('the router', () => {
  // Every operation of the registry, in its order.
  const OPERATIONS = REGISTRY.map((op) => op.name).join(', ');

  it.each([
    [{}, `missing required field 'operation' (one of ${OPERATIONS})`],
    [{ operation: 'drop_tables' }, `unknown operation 'drop_tables': use one of ${OPERATIONS}`],
    [{ operation: 7 }, `field 'operation' must be a string, one of ${OPERATIONS}`],
    [{ operation: 'query' }, "missing required field 'query'"],
  ])('refuses %j', async (event, message) => {
    expect(await integration(event, lambdaContext())).toEqual({ status: 'error', error: { type: 'validation_error', message } });
  });

  it('refuses an operation argument on a tool call: the tool and its arguments choose', async () => {
    expect(await integration({ operation: 'query', query: 'up' }, lambdaContext({ toolName: 'server_info' }))).toEqual({
      status: 'error',
      error: { type: 'validation_error', message: "field 'operation' is for direct invokes: a tool call is routed by its tool ('server_info') and arguments" },
    });
  });

  it.each([
    ['range_query', 'range_query is now query with start (and end, step)'],
    ['list_metrics', 'list_metrics is now discover (search, or top for the metrics with most series)'],
    ['label_values', 'label_values is now discover with label'],
    ['list_alerts', 'list_alerts is now alerts'],
    ['list_workspaces', 'list_workspaces is now server_info with workspaces: true'],
  ])('answers a call of the old tool %s with the call that replaced it', async (tool, instead) => {
    expect(await integration({ query: 'up' }, lambdaContext({ toolName: tool }))).toEqual({
      status: 'error',
      error: { type: 'validation_error', message: `${instead}: use one of query, discover, alerts, server_info, silence` },
    });
  });

  it.each([
    [{ query: 'up', step: '1m' }, 'query', 'step need start: a range query runs from start to end (default now)'],
    [{ query: 'up', start: '1h', time: '5m' }, 'query', 'give time (one instant) or start (a range), not both'],
    [{ label: 'job', labels: true }, 'discover', 'discover takes one of metric, top, label, labels, series at a time, not label and labels: make one call for each'],
    [{ series: true }, 'discover', 'series: true needs match, a series selector such as up or {job="node"}'],
    [{ show: 'receivers' }, 'alerts', "field 'show' must be one of rules, silences, groups, status (or left out, for the alerts)"],
    [{ label: 'job', bogus: 1 }, 'discover', "unknown field 'bogus' (allowed: workspace_id, region, label, match, start, end, limit)"],
  ])('refuses %j on the tool %s, naming what to change', async (args, tool, message) => {
    expect(await integration(args, lambdaContext({ toolName: tool }))).toEqual({ status: 'error', error: { type: 'validation_error', message } });
  });
});
