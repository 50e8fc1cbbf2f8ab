import fc from 'fast-check';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { logger } from '../../src/shared/observability';
import { TEST_CREDENTIALS } from '../support/credentials';
import { FUNCTIONS } from '../support/events';
import { startHarness, type Handler, type Harness } from '../support/harness';

/**
 * Property tests: thousands of generated events for every handler. Each one yields a
 * structured answer: never an unhandled exception, an internal error, a stack trace, or
 * a credential, in the answer or in the logs.
 */

const RUNS_PER_HANDLER = 2000;
const SECRETS = Object.values(TEST_CREDENTIALS);
const FORBIDDEN = /\n\s+at |Signature=|x-amz-security-token|authorization:/i;

let harness: Harness;
let logs: string[] = [];
const handlers = {} as Record<(typeof FUNCTIONS)[number], Handler>;

beforeAll(async () => {
  harness = await startHarness({ POWERTOOLS_LOG_LEVEL: 'DEBUG' });
  for (const name of FUNCTIONS) handlers[name] = await harness.handler(name);
  const capture = (...parts: unknown[]) => {
    logs.push(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' '));
  };
  for (const level of ['debug', 'info', 'warn', 'error', 'log'] as const) jest.spyOn(console, level).mockImplementation(capture);
}, 30_000);
afterAll(async () => {
  jest.restoreAllMocks();
  await harness.stop();
});

function nested(depth: number): unknown {
  let value: unknown = 'up';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { query: value };
  return value;
}

const hugeString = fc.constantFrom('u'.repeat(1_000_000), 'ü'.repeat(200_000), `up${' '.repeat(40_000)}`, '{'.repeat(50_000));
const anyValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  hugeString,
  fc.integer({ min: 500, max: 3_000 }).map(nested),
  fc.constantFrom('up', 'sum(rate(x[5m]))', 'now-1h', '2023-04-01T00:00:00Z', '5m', 1680307200, 'ws-12345678-abcd-1234-efgh-123456789012', 'us-east-1', 'query', 'range_query', 'list_metrics', 'server_info', 'list_rules', 'list_alerts', 'alert', 'firing', 'list_labels', 'label_values', 'series', 'list_workspaces', 'describe_metric', 'job', '__name__', '../../admin', 'prod'),
);
const FIELDS = ['query', 'time', 'start', 'end', 'step', 'match', 'limit', 'include_metadata', 'max_series', 'max_points', 'workspace_id', 'region', 'operation', 'type', 'group', 'state', 'label', 'alias', 'metric'];
const EVIL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** Arguments: known fields with any values, plus hostile keys, written as JSON text so that `__proto__` is an own key. */
const argumentsArb = fc
  .dictionary(fc.constantFrom(...FIELDS, ...EVIL_KEYS), anyValue, { maxKeys: 6 })
  .map((args) => JSON.parse(JSON.stringify(args)) as Record<string, unknown>);
const protoArgs = fc
  .tuple(fc.constantFrom(...EVIL_KEYS), fc.jsonValue({ maxDepth: 2 }))
  .map(([key, value]) => JSON.parse(`{"query":"up",${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`) as Record<string, unknown>);

/** Valid arguments for one operation with up to two fields replaced or added: near the edge. */
const VALID = [
  { query: 'up', time: 1680307200 },
  { query: 'sum(up)', start: 'now-1h', end: 'now', step: '5m' },
  { match: '{job="node"}', limit: 5, include_metadata: true },
  {},
  { operation: 'list_rules', type: 'alert', group: 'fixture-alerts', limit: 2 },
  { operation: 'list_alerts', state: 'firing', limit: 1 },
  { operation: 'label_values', label: 'job', match: 'up', start: '2023-04-01T00:00:00Z', limit: 2 },
  { operation: 'series', match: '{job="node"}', start: 1680307200, end: 'now' },
  { operation: 'describe_metric', metric: 'node_cpu_seconds_total', start: '2023-04-01T00:00:00Z' },
  { alias: 'prod', region: 'us-east-1' },
];
const nearlyValid = fc
  .tuple(fc.constantFrom(...VALID), fc.dictionary(fc.constantFrom(...FIELDS), anyValue, { maxKeys: 2 }), fc.boolean())
  .map(([valid, changes, change]) => (change ? { ...valid, ...changes } : { ...valid }));

const eventArb = fc.oneof(
  nearlyValid,
  fc.record({ body: nearlyValid }),
  fc.jsonValue({ maxDepth: 4 }),
  argumentsArb,
  protoArgs,
  fc.record({ body: fc.oneof(argumentsArb, protoArgs, fc.jsonValue({ maxDepth: 3 })) }),
  fc.record({ body: fc.oneof(argumentsArb, protoArgs).map((a) => JSON.stringify(a)) }),
  fc.record({ body: fc.oneof(fc.string({ maxLength: 300 }), hugeString, fc.string({ unit: 'binary', maxLength: 300 })) }),
  fc.record({ body: fc.string({ maxLength: 100 }), isBase64Encoded: fc.boolean() }),
  fc.integer({ min: 1000, max: 50_000 }).map((d) => ({ body: `${'['.repeat(d)}${']'.repeat(d)}` })),
  fc.constantFrom(undefined, null, 0, '', [], 'up', true),
);

let outcomes = { success: 0, error: 0 };

function checkAnswer(event: unknown, result: unknown, toolCall: boolean): void {
  expect(result).toBeInstanceOf(Object);
  // A tool call is always answered flat, whatever its arguments are named.
  const bodyEvent = !toolCall && typeof event === 'object' && event !== null && !Array.isArray(event) && Object.hasOwn(event, 'body');
  let envelope: { status: string; data?: unknown; error?: { type: unknown; message: unknown } };
  if (bodyEvent) {
    const r = result as { statusCode: number; headers: unknown; body: string };
    expect(r.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(typeof r.statusCode).toBe('number');
    envelope = JSON.parse(r.body);
    expect(r.statusCode === 200).toBe(envelope.status === 'success');
    expect(r.statusCode).not.toBe(500);
  } else {
    envelope = result as typeof envelope;
  }
  expect(['success', 'error']).toContain(envelope.status);
  outcomes[envelope.status as 'success' | 'error']++;
  if (envelope.status === 'error') {
    expect(typeof envelope.error!.type).toBe('string');
    expect(typeof envelope.error!.message).toBe('string');
    expect(envelope.error!.type).not.toBe('internal_error');
  }
  const text = JSON.stringify(result);
  expect(text).not.toMatch(FORBIDDEN);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe.each(FUNCTIONS)('%s under generated events', (name) => {
  it('always answers with a structured envelope, and leaks nothing', async () => {
    logs = [];
    outcomes = { success: 0, error: 0 };
    logger.setLogLevel('DEBUG');
    await fc.assert(
      fc.asyncProperty(eventArb, fc.option(fc.constantFrom('query', 'discover', 'alerts', 'server_info', 'range_query', 'list_metrics', 'list_rules', 'list_alerts', 'list_labels', 'label_values', 'series', 'describe_metric', 'list_workspaces', 'nope')), async (event, tool) => {
        const result = await handlers[name](event, lambdaContext({ toolName: tool ?? undefined, remainingMs: 10_000 }));
        checkAnswer(event, result, tool !== null);
      }),
      { numRuns: RUNS_PER_HANDLER },
    );
    // The generated events reach both ends: refusals and real answers from Prometheus.
    expect(outcomes.error).toBeGreaterThan(RUNS_PER_HANDLER / 2);
    expect(outcomes.success).toBeGreaterThan(0);
    expect(logs.length).toBeGreaterThan(RUNS_PER_HANDLER);
    const all = logs.join('\n');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/Signature=|x-amz-security-token/i);
  }, 120_000);
});
