import { applyLimits, fitToBudget, responseBytes } from '../../src/shared/result-size';

const series = (i: number, points: number) => ({
  metric: { __name__: 'up', instance: `host-${i}` },
  values: Array.from({ length: points }, (_, p) => [1680307200 + p * 60, String(i)]),
});
const matrix = (n: number, points: number) => ({ resultType: 'matrix', result: Array.from({ length: n }, (_, i) => series(i, points)) });

describe('applyLimits', () => {
  it('keeps an answer within the limits as it is', () => {
    const data = matrix(2, 3);
    expect(applyLimits(data, { maxSeries: 2, maxPoints: 3 })).toEqual({ data, notes: [] });
    expect(applyLimits(data, {}).data).toBe(data);
  });

  it('keeps the first max_series series and says so', () => {
    const { data, notes } = applyLimits(matrix(5, 2), { maxSeries: 2 });
    expect(data.result).toEqual([series(0, 2), series(1, 2)]);
    expect(notes).toEqual(['returned 2 of 5 series (max_series); narrow the query or aggregate (sum by, topk) to see the rest']);
  });

  it('keeps the most recent max_points points of each series and says so', () => {
    const { data, notes } = applyLimits(matrix(2, 10), { maxPoints: 3 });
    expect(data.result).toEqual([0, 1].map((i) => ({ ...series(i, 10), values: series(i, 10).values.slice(7) })));
    expect(notes).toEqual(['kept the last 3 of up to 10 points per series (max_points); a larger step shows the whole range']);
  });

  it('leaves scalars alone', () => {
    const data = { resultType: 'scalar', result: [1680307200, '1'] };
    expect(applyLimits(data, { maxSeries: 1, maxPoints: 1 }).data).toBe(data);
  });
});

describe('fitToBudget', () => {
  const envelope = <T>(data: T) => ({ status: 'success' as const, data });

  it('does not measure an answer that is clearly small', () => {
    const e = envelope(matrix(3, 3));
    expect(fitToBudget(e, 'flat', 6_000_000, 2_000)).toEqual({ envelope: e });
  });

  it.each(['flat', 'body'] as const)('cuts a %s answer to the series that fit, and says what it left out', (shape) => {
    const full = envelope(matrix(40, 100));
    const size = responseBytes(shape, full);
    const budget = Math.floor(size / 2);
    const upstream = Buffer.byteLength(JSON.stringify(full.data));
    const { envelope: cut, returned } = fitToBudget(full, shape, budget, upstream);

    expect(responseBytes(shape, cut)).toBeLessThanOrEqual(budget);
    expect(returned).toBeGreaterThan(0);
    expect((cut.data as { result: unknown[] }).result).toEqual(full.data.result.slice(0, returned));
    // The next series would not have fitted.
    const oneMore = { ...cut, data: { ...full.data, result: full.data.result.slice(0, returned! + 1) } };
    expect(responseBytes(shape, oneMore)).toBeGreaterThan(budget - 1024);
    expect(cut.truncated).toBe(true);
    expect(upstream).toBeLessThan(1_000_000);
    expect(cut.note).toBe(
      `the complete answer (about ${Math.ceil(upstream / 1000)} KB from Prometheus) is larger than the ${Math.ceil(budget / 1000)} KB response budget: ` +
        `returned ${returned} of 40 series; narrow the query (more label matchers, sum by, topk) or pass max_series / max_points`,
    );
  });

  it('returns an answer that fits as it is, even when Prometheus sent a lot', () => {
    const e = envelope(matrix(3, 3));
    expect(fitToBudget(e, 'flat', 6_000, 1_000_000)).toEqual({ envelope: e });
  });

  it('keeps an earlier note', () => {
    const full = { ...envelope(matrix(40, 100)), truncated: true as const, note: 'returned 40 of 90 series (max_series)' };
    const { envelope: cut } = fitToBudget(full, 'flat', 20_000, 1_000_000);
    expect(cut.note).toMatch(/^returned 40 of 90 series \(max_series\); the complete answer/);
  });

  it('cuts a list of metric names and marks it truncated', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `metric_${String(i).padStart(4, '0')}_total`);
    const full = envelope({ metrics: names, total: 1000, truncated: false });
    const { envelope: cut, returned } = fitToBudget(full, 'flat', 5_000, 30_000);
    expect(cut.data).toEqual({ metrics: names.slice(0, returned), total: 1000, truncated: true });
    expect(responseBytes('flat', cut)).toBeLessThanOrEqual(5_000);
    expect(cut.note).toContain(`returned ${returned} of 1000 metric names; narrow the query (more label matchers, sum by, topk) or pass match / limit`);
  });

  it.each([
    ['labels', 'label names', 'pass match, start or limit'],
    ['values', 'label values', 'pass match, start or limit'],
    ['series', 'series', 'pass a narrower match, start or limit'],
    ['workspaces', 'workspaces', 'pass alias'],
  ])("cuts the discovery answers' %s, keeps what else they say, and marks them truncated", (key, unit, narrow) => {
    const items = Array.from({ length: 1000 }, (_, i) => (key === 'series' ? { __name__: 'up', instance: `host-${i}` } : `item_${i}`));
    const full = envelope({ [key]: items, total: 1000, truncated: false, by_metric: { up: 1000 } });
    const { envelope: cut, returned } = fitToBudget(full, 'flat', 5_000, 30_000);
    expect(returned).toBeGreaterThan(0);
    expect(cut.data).toEqual({ [key]: items.slice(0, returned), total: 1000, truncated: true, by_metric: { up: 1000 } });
    expect(responseBytes('flat', cut)).toBeLessThanOrEqual(5_000);
    expect(cut.note).toMatch(new RegExp(`returned ${returned} of 1000 ${unit}; ${narrow}$`));
  });
});
