import { PromQLSyntaxError } from '../../src/shared/errors';
import { assertValidPromQL } from '../../src/shared/promql';

describe('assertValidPromQL', () => {
  it.each([
    'up',
    'rate(node_cpu_seconds_total{mode="system"}[5m])',
    'sum by (job) (rate(http_requests_total[5m])) / on(job) group_left sum by (job) (up)',
    'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
    'up offset 1h',
    'up @ 1680307200',
    '{__name__=~"node_.*", job="node"}',
    'max_over_time(up[1h:5m])',
  ])('accepts %s', (query) => expect(() => assertValidPromQL('query', query)).not.toThrow());

  it.each([
    ['sum(rate(x[5m])', "unexpected end of input at line 1, column 16 (offset 15)"],
    ['up{', 'unexpected end of input at line 1, column 4 (offset 3)'],
    ['foo bar', 'unexpected "bar" at line 1, column 5 (offset 4)'],
    ['up)', 'unexpected ")" at line 1, column 3 (offset 2)'],
    ['sum(\n  up\n  ])', 'unexpected "]" at line 3, column 3 (offset 12)'],
  ])('rejects %j with the position', (query, where) => {
    const call = () => assertValidPromQL('query', query);
    expect(call).toThrow(PromQLSyntaxError);
    expect(call).toThrow(`field 'query' is not valid PromQL: ${where}`);
  });
});
