import type { QueryData } from './result-size';

/**
 * Answer formats for query and range_query, sized for a model:
 * - `prometheus`: Prometheus' JSON unchanged.
 * - `compact`: lossless. Labels once per series, and for a matrix the timestamps as a
 *   `start` plus the query's `step` wherever they are regular (else `timestamps`);
 *   values as JSON numbers wherever the number prints back to Prometheus' exact text,
 *   as strings otherwise ("NaN", "+Inf", 1e21). `decodeCompact` gives back the
 *   `prometheus` answer exactly.
 * - `summary`: per series its first, last, min and max values with their times, the
 *   average and the count: for "is this high?" questions.
 */

export const FORMATS = ['prometheus', 'compact', 'summary'] as const;
export type Format = (typeof FORMATS)[number];

type Sample = [number, string];
interface VectorSeries {
  metric: Record<string, string>;
  value: Sample;
}
interface MatrixSeries {
  metric: Record<string, string>;
  values: Sample[];
}

type CompactValue = number | string;
interface CompactSeries {
  metric: Record<string, string>;
  /** Matrix, regular: timestamps are start + i * step. */
  start?: number;
  /** Matrix, irregular: every timestamp. */
  timestamps?: number[];
  /** Vector whose time differs from the answer's `time`. */
  time?: number;
  values?: CompactValue[];
  value?: CompactValue;
}

export interface CompactData {
  resultType: string;
  format: 'compact';
  /** Matrix: the step of the regular series' timestamps, in seconds. */
  step?: number;
  /** Vector: the evaluation time shared by the series. */
  time?: number;
  series: CompactSeries[];
}

/** Shapes query data in `format`; scalars and strings stay as Prometheus sent them. */
export function formatData(data: QueryData, format: Format | undefined, stepSeconds?: number): unknown {
  if (format === undefined || format === 'prometheus') return data;
  if (data.resultType === 'matrix' && Array.isArray(data.result)) {
    const series = data.result as MatrixSeries[];
    return format === 'compact' ? compactMatrix(series, stepSeconds) : { resultType: 'matrix', format: 'summary', series: series.map(summarize) };
  }
  if (data.resultType === 'vector' && Array.isArray(data.result)) {
    const series = data.result as VectorSeries[];
    if (format === 'compact') return compactVector(series);
    return { resultType: 'vector', format: 'summary', series: series.map((s) => summarize({ metric: s.metric, values: [s.value] })) };
  }
  return data;
}

function compactMatrix(series: MatrixSeries[], step: number | undefined): CompactData {
  return {
    resultType: 'matrix',
    format: 'compact',
    ...(step === undefined ? {} : { step }),
    series: series.map(({ metric, values }) => {
      const start = values[0]?.[0];
      const regular = step !== undefined && start !== undefined && values.every(([t], i) => timeAt(start, step, i) === t);
      return {
        metric,
        ...(regular ? { start } : { timestamps: values.map(([t]) => t) }),
        values: values.map(([, v]) => compactValue(v)),
      };
    }),
  };
}

function compactVector(series: VectorSeries[]): CompactData {
  const time = series[0]?.value[0];
  return {
    resultType: 'vector',
    format: 'compact',
    ...(time === undefined ? {} : { time }),
    series: series.map(({ metric, value: [t, v] }) => ({ metric, ...(t === time ? {} : { time: t }), value: compactValue(v) })),
  };
}

/** The timestamp of a regular series' i-th point, to the millisecond as Prometheus sends it. */
function timeAt(start: number, step: number, i: number): number {
  return Math.round((start + i * step) * 1000) / 1000;
}

/** A number where it prints back to Prometheus' exact text, the text otherwise. */
function compactValue(text: string): CompactValue {
  const n = Number(text);
  return Number.isFinite(n) && String(n) === text ? n : text;
}

/** The `prometheus` answer a `compact` one came from, exactly. */
export function decodeCompact(data: CompactData): QueryData {
  const text = (v: CompactValue | undefined) => (typeof v === 'number' ? String(v) : v!);
  if (data.resultType === 'vector') {
    return {
      resultType: 'vector',
      result: data.series.map((s) => ({ metric: s.metric, value: [s.time ?? data.time!, text(s.value)] })),
    };
  }
  return {
    resultType: 'matrix',
    result: data.series.map((s) => ({
      metric: s.metric,
      values: (s.values ?? []).map((v, i) => [s.timestamps?.[i] ?? timeAt(s.start!, data.step!, i), text(v)]),
    })),
  };
}

interface Point {
  time: number;
  value: number | string;
}

interface SeriesSummary {
  metric: Record<string, string>;
  count: number;
  first: Point | null;
  last: Point | null;
  min: Point | null;
  max: Point | null;
  /** Of the finite values; null when there are none. */
  avg: number | null;
}

function summarize({ metric, values }: MatrixSeries): SeriesSummary {
  const point = ([time, value]: Sample): Point => ({ time, value: compactValue(value) });
  let min: Sample | undefined;
  let max: Sample | undefined;
  let sum = 0;
  let finite = 0;
  for (const sample of values) {
    const n = Number(sample[1]);
    if (!Number.isFinite(n)) continue;
    if (min === undefined || n < Number(min[1])) min = sample;
    if (max === undefined || n > Number(max[1])) max = sample;
    sum += n;
    finite++;
  }
  return {
    metric,
    count: values.length,
    first: values.length === 0 ? null : point(values[0]!),
    last: values.length === 0 ? null : point(values[values.length - 1]!),
    min: min === undefined ? null : point(min),
    max: max === undefined ? null : point(max),
    avg: finite === 0 ? null : sum / finite,
  };
}
