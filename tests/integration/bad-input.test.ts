import { DANGEROUS_PATTERNS } from '../../src/shared/security';
import { envelopeOf, useHarness, type Harness } from '../support/harness';
import { lambdaContext } from '../../scripts/lib/lambda-context';

/**
 * Bad input gets a 400 with a message naming the field or pattern, and nothing
 * reaches the front (so nothing reaches Prometheus).
 */

const harness = useHarness();
afterEach(() => {
  expect(harness.front.requests).toHaveLength(0);
});

async function refused(name: Parameters<Harness['handler']>[0], body: unknown): Promise<{ type: string; message: string }> {
  const handler = await harness.handler(name);
  const result = (await handler({ body }, lambdaContext())) as { statusCode: number; body: string };
  expect(result.statusCode).toBe(400);
  const envelope = envelopeOf(result);
  expect(envelope.status).toBe('error');
  expect(envelope.error!.message).not.toMatch(/\n\s+at /); // no stack trace
  return envelope.error!;
}

it.each([
  ['query', {}, "missing required field 'query'"],
  ['query', { query: ['up'] }, "field 'query' must be string"],
  ['query', { query: 'up', time: {} }, "field 'time' must be a string or a number"],
  ['query', { query: 'up', time: 'yesterday' }, "field 'time' is not a valid time (\"yesterday\")"],
  ['range-query', { query: 'up', start: 'now', end: 'now-1h', step: '1m' }, "field 'end' ("],
  ['range-query', { query: 'up', end: 'now' }, "missing required field 'start'"],
  ['range-query', { query: 'up', start: 'now+1h' }, "field 'end' ("],
  ['range-query', { query: 'up', start: '-1x' }, "field 'start' is not a valid time (\"-1x\")"],
  ['range-query', { query: 'up', start: 'now-1h', end: 'now', step: '0s' }, "field 'step' must be greater than zero"],
  ['range-query', { query: 'up', start: 'now-1h', end: 'now', step: -60 }, "field 'step' must be greater than zero"],
  ['range-query', { query: 'up', start: 0, end: 86400 * 7, step: 1 }, "the range would return 604801 points per series, more than Prometheus' limit of 11001: use a step of at least 55s"],
  ['range-query', { query: 'up', start: 'now-1h', end: 'now', step: 0.0005 }, "field 'step' must be at least 1ms (got 0.0005)"],
  ['range-query', { query: 'up', start: 'now-1h', end: 'now', step: '0.0001' }, "field 'step' must be at least 1ms"],
  ['query', { query: 'up', time: 1680307200000 }, "field 'time' (1680307200000) looks like Unix milliseconds: times are Unix seconds, e.g. 1680307200"],
  ['query', { query: 'up', time: '2023-02-30T00:00:00Z' }, 'field \'time\' is not a valid time ("2023-02-30T00:00:00Z"): no such date'],
  ['query', { query: 'sum(up) by (job) +' }, "field 'query' is not valid PromQL: unexpected end of input after an operator"],
  ['list-metrics', { limit: 'ten' }, "field 'limit' must be integer"],
  ['list-metrics', { match: 'up{' }, "field 'match' is not valid PromQL"],
  ['server-info', { workspace_id: 42 }, "field 'workspace_id' must be string"],
  ['integration', { operation: 'delete_series' }, "unknown operation 'delete_series'"],
  ['discovery', { operation: 'list_labels', match: 'up{' }, "field 'match' is not valid PromQL"],
  ['discovery', { operation: 'list_labels', start: 'yesterday' }, "field 'start' is not a valid time (\"yesterday\")"],
  ['discovery', { operation: 'list_labels', end: {} }, "field 'end' must be a string or a number"],
  ['discovery', { operation: 'list_labels', start: 1680307200, end: 1680303600 }, "field 'end' (1680303600) is before field 'start' (1680307200)"],
  ['discovery', { operation: 'list_labels', limit: 0 }, "field 'limit' must be >= 1"],
  ['discovery', { operation: 'list_labels', limit: 'many' }, "field 'limit' must be integer"],
  ['discovery', { operation: 'label_values' }, "missing required field 'label'"],
  ['discovery', { operation: 'label_values', label: '../../admin' }, "field 'label' must be a label name (UTF-8 allowed; no whitespace, /, \\, %, ?, #, & or control characters; not . or ..) such as job"],
  ['discovery', { operation: 'label_values', label: 7 }, "field 'label' must be string"],
  ['discovery', { operation: 'label_values', label: 'job', match: 'sum(' }, "field 'match' is not valid PromQL"],
  ['discovery', { operation: 'label_values', label: 'job', start: '2023-02-30T00:00:00Z' }, 'field \'start\' is not a valid time ("2023-02-30T00:00:00Z"): no such date'],
  ['discovery', { operation: 'label_values', label: 'job', end: 1680307200000 }, "field 'end' (1680307200000) looks like Unix milliseconds"],
  ['discovery', { operation: 'label_values', label: 'job', limit: 1.5 }, "field 'limit' must be integer"],
  ['discovery', { operation: 'series' }, "missing required field 'match'"],
  ['discovery', { operation: 'series', match: '' }, "field 'match' must not have fewer than 1 characters"],
  ['discovery', { operation: 'series', match: '{job="node"' }, 'field \'match\' is not valid PromQL: unclosed "{"'],
  ['discovery', { operation: 'series', match: 'up', limit: 100_001 }, "field 'limit' must be <= 100000"],
  ['discovery', { operation: 'series', match: [] }, "field 'match' must not have fewer than 1 items"],
  ['discovery', { operation: 'series', match: Array.from({ length: 21 }, (_, i) => `up{i="${i}"}`) }, "field 'match' must not have more than 20 items"],
  ['discovery', { operation: 'series', match: ['up', ''] }, "field 'match[1]' must not have fewer than 1 characters"],
  ['discovery', { operation: 'series', match: ['up', 5] }, "field 'match[1]' must be string"],
  ['discovery', { operation: 'series', match: ['up', 'x'.repeat(4097)] }, "field 'match[1]' must not have more than 4096 characters"],
  ['discovery', { operation: 'series', match: { job: 'node' } }, "field 'match' must be a string or an array"],
  ['discovery', { operation: 'series', match: ['up', '{job="node"'] }, 'field \'match[1]\' is not valid PromQL: unclosed "{"'],
  ['discovery', { operation: 'list_labels', match: ['sum('] }, "field 'match[0]' is not valid PromQL"],
  ['discovery', { operation: 'label_values', label: 'job', match: ['up', 'up{'] }, "field 'match[1]' is not valid PromQL"],
  ['list-metrics', { match: ['up', 'up{'] }, "field 'match[1]' is not valid PromQL"],
  ['list-metrics', { match: Array.from({ length: 21 }, () => 'up') }, "field 'match' must not have more than 20 items"],
  ['discovery', { operation: 'series', match: ['up', 'up{job="a;b"}'] }, "field 'match' contains the blocked pattern ';'"],
  ['discovery', { operation: 'series', match: 'up', step: '1m' }, "unknown field 'step' (allowed: workspace_id, region, match, start, end, limit)"],
  ['discovery', { operation: 'query', query: 'up' }, "unknown operation 'query': use one of list_labels, label_values, series"],
  ['integration', { operation: 'label_values', label: 'a/b' }, "field 'label' must be a label name (UTF-8 allowed; no whitespace, /, \\, %, ?, #, & or control characters; not . or ..) such as job"],
  ['workspaces', { alias: '' }, "field 'alias' must not have fewer than 1 characters"],
  ['workspaces', { alias: 'x'.repeat(101) }, "field 'alias' must not have more than 100 characters"],
  ['workspaces', { alias: 5 }, "field 'alias' must be string"],
  ['workspaces', { workspace_id: 'ws-1' }, "field 'workspace_id' must match"],
  ['workspaces', { region: 'mars' }, "field 'region' must match"],
  ['workspaces', { limit: 5 }, "unknown field 'limit' (allowed: workspace_id, region, alias)"],
  ['alerting', {}, "missing required field 'operation' (one of list_rules, list_alerts, list_silences, alert_groups, alertmanager_status, create_silence, expire_silence)"],
  ['alerting', { operation: 'list_rules', type: 'alerts' }, "field 'type' must match ^(alert|alerting|record|recording)$"],
  ['alerting', { operation: 'list_rules', type: ['alert'] }, "field 'type' must be string"],
  ['alerting', { operation: 'list_rules', group: '' }, "field 'group' must not have fewer than 1 characters"],
  ['alerting', { operation: 'list_rules', group: { name: 'x' } }, "field 'group' must be string"],
  ['alerting', { operation: 'list_rules', limit: 0 }, "field 'limit' must be >= 1"],
  ['alerting', { operation: 'list_alerts', state: 'inactive' }, "field 'state' must match ^(firing|pending)$"],
  ['alerting', { operation: 'list_alerts', state: 1 }, "field 'state' must be string"],
  ['alerting', { operation: 'list_alerts', limit: 1.5 }, "field 'limit' must be integer"],
  ['alerting', { operation: 'list_alerts', type: 'alert' }, "unknown field 'type' (allowed: workspace_id, region, state, limit)"],
  ['integration', { operation: 'list_alerts', state: 'FIRING' }, "field 'state' must match ^(firing|pending)$"],
] as const)('%s refuses %j', async (name, body, message) => {
  expect((await refused(name, body)).message).toContain(message);
});

it('refuses a body that is not JSON', async () => {
  expect(await refused('query', '{"query": up}')).toEqual({ type: 'validation_error', message: "field 'body' is not valid JSON" });
});

it.each(DANGEROUS_PATTERNS.map((p) => [p]))('refuses the pattern %s, naming it', async (pattern) => {
  expect(await refused('query', { query: `up{job="a${pattern}b"}` })).toEqual({
    type: 'blocked_pattern',
    message: `field 'query' contains the blocked pattern '${pattern}'`,
  });
});

it('checks the patterns in every string parameter', async () => {
  expect(await refused('range-query', { query: 'up', start: 'now-1h', end: 'now', step: '1m`id`' })).toEqual({
    type: 'blocked_pattern',
    message: "field 'step' contains the blocked pattern '`'",
  });
});

it('refuses broken PromQL with the position', async () => {
  expect(await refused('query', { query: 'sum(rate(http_requests_total[5m])' })).toEqual({
    type: 'invalid_promql',
    message: `field 'query' is not valid PromQL: unclosed "(" at line 1, column 4 (offset 3)`,
  });
});

it.each([
  'ws-12345678-abcd-1234-efgh-123456789012/../../admin',
  'ws-12345678-abcd-1234-efgh-123456789012%2f..',
  'ws-12345678-abcd-1234-efgh-123456789012?x=1',
  'ws-12345678-abcd-1234-efgh-123456789012#',
  'evil.com@ws-12345678-abcd-1234-efgh-12345678',
  'ws-12345678-abcd-1234-efgh-123456789012\r\nHost: evil.com',
  'ws-１２３４５６７８-abcd-1234-efgh-123456789012',
  `ws-${'a'.repeat(500)}`,
])('refuses the hostile workspace ID %j', async (workspaceId) => {
  expect((await refused('server-info', { workspace_id: workspaceId })).message).toMatch(/^field 'workspace_id' must match/);
});

it.each(['us-east-1.evil.com', 'us-east-1/..', 'us-east-1#', 'evil.com?', 'us-east-1\n', 'ｕs-east-1', '@us-east-1'])(
  'refuses the hostile region %j',
  async (region) => {
    expect((await refused('server-info', { region })).message).toMatch(/^field 'region' must match/);
  },
);
