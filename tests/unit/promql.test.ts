import { PromQLSyntaxError } from '../../src/shared/errors';
import { assertValidPromQL, explainPromQL } from '../../src/shared/promql';

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
    // Valid PromQL a grammar package may not know: Prometheus decides.
    'min_of(up)',
    '1. + .5',
    '{"my.metric", "service.name"="api"}',
    'sum(up{path="a)b]c}"}) # a comment with ( and "',
    "up{job='it\\'s'}",
    Array.from({ length: 400 }, () => 'up').join(' + '),
    'foo bar',
  ])('lets %s through', (query) => expect(() => assertValidPromQL('query', query)).not.toThrow());

  it.each([
    ['sum(rate(x[5m])', 'unclosed "(" at line 1, column 4 (offset 3)'],
    ['up{', 'unclosed "{" at line 1, column 3 (offset 2)'],
    ['up)', 'unexpected ")" at line 1, column 3 (offset 2)'],
    ['sum(\n  up\n  ])', 'unexpected "]" at line 3, column 3 (offset 12)'],
    ['up{job="node}', 'unterminated string starting with " at line 1, column 8 (offset 7)'],
    ['up +', 'unexpected end of input after an operator at line 1, column 5 (offset 4)'],
    ['up and # trailing comment', 'unexpected end of input after an operator at line 1, column 26 (offset 25)'],
    ['  # only a comment', 'the query is empty at line 1, column 19 (offset 18)'],
  ])('refuses %j, certainly broken, with the position', (query, where) => {
    const call = () => assertValidPromQL('query', query);
    expect(call).toThrow(PromQLSyntaxError);
    expect(call).toThrow(`field 'query' is not valid PromQL: ${where}`);
  });
});

describe('explainPromQL', () => {
  it("says where Prometheus' grammar stops", async () => {
    await expect(explainPromQL('foo bar')).resolves.toBe('unexpected "bar" at line 1, column 5 (offset 4)');
  });

  it('says nothing of a query the grammar parses', async () => {
    await expect(explainPromQL('sum by (job) (up)')).resolves.toBeUndefined();
  });
});
