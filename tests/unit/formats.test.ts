import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { decodeCompact, DEFAULT_PRECISION, formatData, precisionFor, type CompactData, type CompactVector } from '../../src/shared/formats';
import { benchFamily, FIXTURE, FIXTURE_START, valueAt } from '../fixtures/dataset';
import { T0 } from '../fixtures/expected';

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

  it('writes a vector of several series with its time once, a series at another time with its own', () => {
    const vector = {
      resultType: 'vector',
      result: [
        { metric: { job: 'a' }, value: [1680307200, '1'] },
        { metric: { job: 'b' }, value: [1680307200, '2.5'] },
        { metric: { job: 'c' }, value: [1680307200, 'NaN'] },
        { metric: { job: 'd' }, value: [1680307200, '-Inf'] },
        { metric: { job: 'e' }, value: [1680307140, '4'] },
      ],
    };
    const compact = formatData(vector, 'compact') as CompactData;
    expect(compact).toEqual({
      resultType: 'vector',
      format: 'compact',
      time: 1680307200,
      series: [
        { metric: { job: 'a' }, value: 1 },
        { metric: { job: 'b' }, value: 2.5 },
        { metric: { job: 'c' }, value: 'NaN' },
        { metric: { job: 'd' }, value: '-Inf' },
        { metric: { job: 'e' }, time: 1680307140, value: 4 },
      ],
    });
    expect(decodeCompact(compact)).toEqual(vector);
  });

  it("keeps Prometheus' shape, with numbers, for a vector whose time once would be larger", () => {
    const vector = {
      resultType: 'vector',
      result: [
        { metric: { job: 'a' }, value: [1680307200, '1'] },
        { metric: { job: 'b' }, value: [1680307200, '2.5'] },
      ],
    };
    const compact = formatData(vector, 'compact') as CompactVector;
    expect(compact).toEqual({ resultType: 'vector', result: [{ metric: { job: 'a' }, value: [1680307200, 1] }, { metric: { job: 'b' }, value: [1680307200, 2.5] }] });
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

describe('precision', () => {
  const TEXTS = ['0.15000000000000002', '0.08333333333333333', '-0.000123456789', '12.3456789', '9999.6', '12345.678', '1680307200.123', '4294967296', '100', '0.1'];
  const matrixOf = (texts: string[]) => ({ resultType: 'matrix', result: [{ metric: {}, values: texts.map((v, i) => [T0 + i * 60, v]) }] });
  const valuesOf = (data: unknown) => (data as CompactData).series[0]!.values;

  it('rounds compact values to 4 significant digits by default, never into the whole part', () => {
    expect(precisionFor(undefined)).toBe(DEFAULT_PRECISION);
    expect(valuesOf(formatData(matrixOf(TEXTS), 'compact', 60, precisionFor(undefined)))).toEqual([
      0.15, 0.08333, -0.0001235, 12.35, 10000, 12346, 1680307200, 4294967296, 100, 0.1,
    ]);
  });

  it('rounds to the digits asked for, and 17 is lossless: the exact prometheus answer back', () => {
    expect(valuesOf(formatData(matrixOf(TEXTS), 'compact', 60, precisionFor(2)))).toEqual([0.15, 0.083, -0.00012, 12, 10000, 12346, 1680307200, 4294967296, 100, 0.1]);
    expect(precisionFor(17)).toBeUndefined();
    const lossless = formatData(matrixOf(TEXTS), 'compact', 60, precisionFor(17)) as CompactData;
    expect(valuesOf(lossless)).toEqual([0.15000000000000002, 0.08333333333333333, -0.000123456789, 12.3456789, 9999.6, 12345.678, 1680307200.123, 4294967296, 100, 0.1]);
    expect(decodeCompact(lossless)).toEqual(matrixOf(TEXTS));
  });

  it('never writes a value longer than the lossless one, and leaves NaN and infinities as text', () => {
    // 9.96e-7 to 2 digits is 0.000001, which JavaScript prints longer.
    const texts = ['9.96e-7', '0.000000996', 'NaN', '+Inf', '-Inf'];
    expect(valuesOf(formatData(matrixOf(texts), 'compact', 60, 2))).toEqual([9.96e-7, 0.000001, 'NaN', '+Inf', '-Inf']);
  });

  it('rounds the summary, its average too', () => {
    const matrix = matrixOf(['0.1', '0.2', '0.30000000000000004', 'NaN']);
    expect(formatData(matrix, 'summary', undefined, 4)).toEqual({
      resultType: 'matrix',
      format: 'summary',
      series: [
        {
          metric: {},
          count: 4,
          first: { time: T0, value: 0.1 },
          last: { time: T0 + 180, value: 'NaN' },
          min: { time: T0, value: 0.1 },
          max: { time: T0 + 120, value: 0.3 },
          avg: 0.2,
        },
      ],
    });
    // Lossless: (0.1 + 0.2 + 0.30000000000000004) / 3 as JavaScript adds it.
    expect((formatData(matrix, 'summary') as { series: { avg: number }[] }).series[0]!.avg).toBe(0.20000000000000004);
  });
});

interface Vector {
  resultType: string;
  result: { metric: Record<string, string>; value: [number, string] }[];
}

describe('an instant vector in another format', () => {
  /** Every fixture family at T0, as Prometheus answers it; `up` with one series at another time; a sum; a ratio's long values. */
  const VECTORS: [string, Vector][] = [
    ...FIXTURE.map((f): [string, Vector] => [
      f.name,
      { resultType: 'vector', result: f.series.map((s) => ({ metric: { __name__: f.name, ...s.labels }, value: [T0, String(valueAt(s, T0))] })) },
    ]),
    [
      'up, one series at another time',
      {
        resultType: 'vector',
        result: FIXTURE[0]!.series.map((s, i) => ({ metric: { __name__: 'up', ...s.labels }, value: [i === 1 ? T0 - 15.5 : T0, String(valueAt(s, T0))] })),
      },
    ],
    ['sum(up)', { resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] }],
    ['a ratio', { resultType: 'vector', result: [{ metric: { job: 'node' }, value: [T0, '0.15000000000000002'] }, { metric: { job: 'api' }, value: [T0, 'NaN'] }] }],
  ];

  it.each(VECTORS)('is never larger than Prometheus\' answer, in bytes or tokens: %s', (_, vector) => {
    const prometheus = JSON.stringify(vector);
    for (const format of ['compact', 'summary'] as const) {
      for (const precision of [precisionFor(undefined), undefined]) {
        const text = JSON.stringify(formatData(vector, format, undefined, precision));
        expect(Buffer.byteLength(text)).toBeLessThanOrEqual(Buffer.byteLength(prometheus));
        expect(countTokens(text)).toBeLessThanOrEqual(countTokens(prometheus));
      }
    }
  });

  it('is its compact form in the summary format: one point per series has nothing to summarize', () => {
    for (const [, vector] of VECTORS) expect(formatData(vector, 'summary', undefined, 4)).toEqual(formatData(vector, 'compact', undefined, 4));
  });

  it("decodes back to exactly Prometheus' answer when lossless", () => {
    for (const [, vector] of VECTORS) expect(decodeCompact(formatData(vector, 'compact') as CompactData | CompactVector)).toEqual(vector);
  });
});
