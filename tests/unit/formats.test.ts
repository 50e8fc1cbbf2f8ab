import { decodeCompact, formatData, type CompactData } from '../../src/shared/formats';
import { benchFamily, FIXTURE_START } from '../fixtures/dataset';

/** A matrix as Prometheus answers the benchmark's range query: `series` gauges of `points` points a minute apart. */
function benchMatrix(series: number, points: number) {
  return {
    resultType: 'matrix',
    result: benchFamily(series).series.map((s) => ({
      metric: { __name__: 'bench_requests_in_flight', ...s.labels },
      values: Array.from({ length: points }, (_, i) => [FIXTURE_START + i * 60, String(s.start + s.perInterval * i)]),
    })),
  };
}

describe('compact', () => {
  it('decodes back to exactly the prometheus answer, and is at most 40% of its bytes on the benchmark range query', () => {
    const matrix = benchMatrix(500, 240);
    const compact = formatData(matrix, 'compact', 60) as CompactData;
    expect(decodeCompact(compact)).toEqual(matrix);
    const ratio = JSON.stringify(compact).length / JSON.stringify(matrix).length;
    expect(ratio).toBeLessThanOrEqual(0.4);
  });

  it('keeps irregular timestamps and values that do not print back as numbers', () => {
    const matrix = {
      resultType: 'matrix',
      result: [
        { metric: { a: '1' }, values: [[100, 'NaN'], [160, '+Inf'], [230, '1000000000000000000000'], [290, '0.1']] },
        { metric: { a: '2' }, values: [[100.5, '-Inf'], [160.5, '1.5']] },
      ],
    };
    const compact = formatData(matrix, 'compact', 60) as CompactData;
    expect(compact).toEqual({
      resultType: 'matrix',
      format: 'compact',
      step: 60,
      series: [
        { metric: { a: '1' }, timestamps: [100, 160, 230, 290], values: ['NaN', '+Inf', '1000000000000000000000', 0.1] },
        { metric: { a: '2' }, start: 100.5, values: ['-Inf', 1.5] },
      ],
    });
    expect(decodeCompact(compact)).toEqual(matrix);
  });

  it('writes a vector with its time once', () => {
    const vector = {
      resultType: 'vector',
      result: [
        { metric: { job: 'a' }, value: [1680307200, '1'] },
        { metric: { job: 'b' }, value: [1680307200, '2.5'] },
      ],
    };
    const compact = formatData(vector, 'compact') as CompactData;
    expect(compact).toEqual({ resultType: 'vector', format: 'compact', time: 1680307200, series: [{ metric: { job: 'a' }, value: 1 }, { metric: { job: 'b' }, value: 2.5 }] });
    expect(decodeCompact(compact)).toEqual(vector);
  });

  it('leaves a scalar as Prometheus sent it', () => {
    const scalar = { resultType: 'scalar', result: [1680307200, '2'] };
    expect(formatData(scalar, 'compact')).toBe(scalar);
  });
});

describe('summary', () => {
  it('gives first, last, min, max with their times, avg and count per series', () => {
    const matrix = {
      resultType: 'matrix',
      result: [{ metric: { job: 'a' }, values: [[100, '3'], [160, '9'], [220, 'NaN'], [280, '1'], [340, '5']] }],
    };
    expect(formatData(matrix, 'summary')).toEqual({
      resultType: 'matrix',
      format: 'summary',
      series: [
        {
          metric: { job: 'a' },
          count: 5,
          first: { time: 100, value: 3 },
          last: { time: 340, value: 5 },
          min: { time: 280, value: 1 },
          max: { time: 160, value: 9 },
          avg: 4.5,
        },
      ],
    });
  });

  it('is a tenth of the prometheus bytes or less on the benchmark range query', () => {
    const matrix = benchMatrix(500, 240);
    expect(JSON.stringify(formatData(matrix, 'summary')).length / JSON.stringify(matrix).length).toBeLessThanOrEqual(0.1);
  });
});
