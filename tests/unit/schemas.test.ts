import { ValidationError } from '../../src/shared/errors';
import { REGISTRY } from '../../src/operations';
import { validateArgs as validate } from '../../src/shared/schemas';

const validateArgs = (operation: string, value: unknown) => validate(REGISTRY.find((op) => op.name === operation)!.args, value);

const WS = 'ws-12345678-abcd-1234-efgh-123456789012';

describe('validateArgs', () => {
  it('returns valid arguments as they are', () => {
    const args = { workspace_id: WS, region: 'us-east-1', query: 'up', time: 1680307200 };
    expect(validateArgs('query', args)).toBe(args);
  });

  it.each([
    ['query', {}, "missing required field 'query'"],
    ['range_query', { query: 'up' }, "missing required field 'start'"],
    ['list_rules', { type: 'rule' }, "field 'type' must match ^(alert|alerting|record|recording)$"],
    ['series', { match: [] }, "field 'match' must not have fewer than 1 items"],
    ['series', { match: Array(21).fill('up') }, "field 'match' must not have more than 20 items"],
    ['list_labels', { match: ['up', ''] }, "field 'match[1]' must not have fewer than 1 characters"],
    ['label_values', { label: 'job', match: 7 }, "field 'match' must be a string or an array"],
    ['list_metrics', { match: '' }, "field 'match' must not have fewer than 1 characters"],
    ['query', { query: 'up', time: '' }, "field 'time' must not have fewer than 1 characters"],
    ['query', { query: 5 }, "field 'query' must be string"],
    ['query', { query: '' }, "field 'query' must not have fewer than 1 characters"],
    ['query', { query: 'up', time: true }, "field 'time' must be a string or a number"],
    ['query', { query: 'up', querry: 'x' }, "unknown field 'querry' (allowed: workspace_id, region, query, time, max_series, format, precision, max_samples_processed_warning_threshold, max_samples_processed_error_threshold)"],
    ['list_metrics', { limit: 0 }, "field 'limit' must be >= 1"],
    ['list_metrics', { limit: 2.5 }, "field 'limit' must be integer"],
    ['list_metrics', { limit: '2.5' }, "field 'limit' must be integer"],
    ['list_metrics', { limit: 'ten' }, "field 'limit' must be integer"],
    ['query', { query: 'up', format: 'csv' }, "field 'format' must match ^(prometheus|compact|summary)$"],
    ['list_metrics', { include_metadata: 'yes' }, "field 'include_metadata' must be boolean"],
    ['server_info', { workspace_id: 'ws-1/../../x' }, `field 'workspace_id' must match ^(ws-[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}|cloudwatch)$ such as ${WS}`],
    ['query', { workspace_id: 'CloudWatch', query: 'up' }, "field 'workspace_id' must match ^(ws-"],
    ['describe_metric', { metric: '' }, `field 'metric' must match ^[^{}"]+$ such as up`],
    ['describe_metric', { metric: 'up{job="node"}' }, `field 'metric' must match ^[^{}"]+$ such as up`],
    ['server_info', { region: 'evil.com#' }, "field 'region' must match"],
    ['server_info', 'up', 'the arguments must be a JSON object'],
    ['server_info', { ['__proto__']: { polluted: true } }, "unknown field '__proto__'"],
  ] as const)('%s %j: %s', (operation, args, message) => {
    const value = typeof args === 'object' ? JSON.parse(JSON.stringify(args)) : args;
    const call = () => validateArgs(operation, value);
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(message);
  });

  it('takes range_query without end, list_rules types as answers spell them, and one selector or a list of them', () => {
    expect(validateArgs('range_query', { query: 'up', start: '-1h' })).toEqual({ query: 'up', start: '-1h' });
    for (const type of ['alert', 'alerting', 'record', 'recording']) expect(validateArgs('list_rules', { type })).toEqual({ type });
    const twenty = Array.from({ length: 20 }, (_, i) => `up{i="${i}"}`);
    for (const op of ['list_metrics', 'list_labels', 'series']) {
      expect(validateArgs(op, { match: 'up' })).toEqual({ match: 'up' });
      expect(validateArgs(op, { match: twenty })).toEqual({ match: twenty });
    }
    expect(validateArgs('label_values', { label: 'job', match: ['up'] })).toEqual({ label: 'job', match: ['up'] });
  });

  it('takes workspace_id cloudwatch (CloudWatch PromQL) and UTF-8 metric names', () => {
    expect(validateArgs('query', { workspace_id: 'cloudwatch', query: '{"http.server.active_requests"}' })).toEqual({
      workspace_id: 'cloudwatch',
      query: '{"http.server.active_requests"}',
    });
    expect(validateArgs('list_workspaces', { workspace_id: 'cloudwatch' })).toEqual({ workspace_id: 'cloudwatch' });
    for (const metric of ['http.server.active_requests', '4XXError', 'node_cpu_seconds_total']) expect(validateArgs('describe_metric', { metric })).toEqual({ metric });
  });

  it('reads numbers and booleans sent as strings, as models often send them', () => {
    expect(validateArgs('list_metrics', { limit: '5', include_metadata: 'true' })).toEqual({ limit: 5, include_metadata: true });
    expect(validateArgs('query', { query: 'up', max_series: ' 10 ' })).toEqual({ query: 'up', max_series: 10 });
  });

  it('refuses a query longer than the limit', () => {
    expect(() => validateArgs('query', { query: 'u'.repeat(32_769) })).toThrow(
      "field 'query' must not have more than 32768 characters",
    );
  });
});
