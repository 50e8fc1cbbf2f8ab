import { PromQLSyntaxError } from '../../src/shared/errors';
import { assertValidPromQL, explainPromQL, formatDuration, labelNameText, selectorOf, vectorSelectors } from '../../src/shared/promql';

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

describe('vectorSelectors', () => {
  it('reads the name each selector selects by equality, in each form, UTF-8 names quoted', async () => {
    const selectors = await vectorSelectors(
      'up{job="a"} + {"http.server.active_requests", "@resource.service.name"="api"} + {__name__="x.y"} + {"__name__"="z"} + {job="b"} + {__name__=~"a|b"}',
    );
    expect(selectors.map(({ text, metric, nameMatcher }) => ({ text, metric, nameMatcher }))).toEqual([
      { text: 'up{job="a"}', metric: 'up', nameMatcher: undefined },
      { text: '{"http.server.active_requests", "@resource.service.name"="api"}', metric: 'http.server.active_requests', nameMatcher: undefined },
      { text: '{__name__="x.y"}', metric: 'x.y', nameMatcher: undefined },
      { text: '{"__name__"="z"}', metric: 'z', nameMatcher: undefined },
      { text: '{job="b"}', metric: undefined, nameMatcher: undefined },
      { text: '{__name__=~"a|b"}', metric: undefined, nameMatcher: '__name__=~"a|b"' },
    ]);
  });

  it.each([
    ['x', { range: 0, offset: 0 }],
    ['rate(x[10m])', { range: 600, offset: 0 }],
    ['x[1h] offset -5m', { range: 3600, offset: -300 }],
    ['rate(x[5m] offset 1d)', { range: 300, offset: 86_400 }],
    ['max_over_time(rate(x[5m])[1h:1m]) offset 1h30m', { range: 3900, offset: 5400 }],
    ['rate(x[2*5m+30s])', { range: 630, offset: 0 }],
    ['x @ 1680307200', { range: 0, offset: 0, at: 1_680_307_200 }],
    ['x[5m:] @ start()', { range: 300, offset: 0, at: 'start' }],
    ['x @ end() offset 1m', { range: 0, offset: 60, at: 'end' }],
  ] as const)('reads the time %s reaches: %j', async (query, expected) => {
    const [selector] = await vectorSelectors(query);
    expect({ range: selector!.range, offset: selector!.offset, ...(selector!.at === undefined ? {} : { at: selector!.at }) }).toEqual(expected);
  });

  it('applies an offset, an @ and a subquery to the operand they follow, as Prometheus does (not to the whole expression)', async () => {
    const reach = async (query: string) =>
      (await vectorSelectors(query)).map(({ text, range, offset, at }) => `${text}:${range}:${offset}${at === undefined ? '' : `@${at}`}`);
    expect(await reach('a + b offset 1h + c')).toEqual(['a:0:0', 'b:0:3600', 'c:0:0']);
    expect(await reach('a * -b offset 1h')).toEqual(['a:0:0', 'b:0:3600']);
    expect(await reach('a and b @ 100 offset 5m')).toEqual(['a:0:0', 'b:0:300@100']);
    expect(await reach('a + b[5m:1m] offset 1h')).toEqual(['a:0:0', 'b:300:3600']);
    expect(await reach('a / on(job) group_left rate(b[5m])[1h:]')).toEqual(['a:0:0', 'b:3900:0']);
    expect(await reach('(a + b)[1h:]')).toEqual(['a:3600:0', 'b:3600:0']);
  });

  it('finds none in a query without one', async () => {
    await expect(vectorSelectors('vector(1) + time()')).resolves.toEqual([]);
  });
});

describe('writing names', () => {
  it.each([
    ['up', {}, 'up'],
    ['up', { job: 'api' }, 'up{job="api"}'],
    ['http.server.active_requests', {}, '{"http.server.active_requests"}'],
    ['http.server.active_requests', { '@resource.service.name': 'api', job: 'a"b' }, '{"http.server.active_requests", "@resource.service.name"="api", job="a\\"b"}'],
    // A keyword would read as PromQL's own.
    ['sum', { job: 'x' }, '{"sum", job="x"}'],
  ])('%s with %j is %s', (metric, labels, selector) => {
    expect(selectorOf(metric, labels)).toBe(selector);
  });

  it('quotes a label name only when it is not a legacy one', () => {
    expect(['job', '_x1', '@resource.service.name', 'service.name', '1st'].map(labelNameText)).toEqual([
      'job',
      '_x1',
      '"@resource.service.name"',
      '"service.name"',
      '"1st"',
    ]);
  });

  it('writes durations as Prometheus does', () => {
    expect([0.25, 90, 21_600, 612_300].map(formatDuration)).toEqual(['250ms', '1m30s', '6h', '7d2h5m']);
  });
});
