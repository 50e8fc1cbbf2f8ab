import type { QueryData } from './result-size';

/**
 * Answer formats for query and range_query, sized for a model:
 * - `prometheus`: Prometheus' JSON unchanged.
 * - `compact`: labels once per series, and for a matrix the timestamps as a `start` plus
 *   the query's `step` wherever they are regular (else `timestamps`); values as JSON
 *   numbers, rounded to a precision, as strings where they are not numbers ("NaN",
 *   "+Inf"). A vector keeps Prometheus' shape with numbers, or states its shared time
 *   once where that is smaller: never larger than Prometheus' answer. Without a
 *   precision (lossless), a value is a number only where it prints back to Prometheus'
 *   exact text, and `decodeCompact` gives back the `prometheus` answer exactly.
 * - `summary`: per series its first, last, min and max values with their times, the
 *   average and the count: for "is this high?" questions. A vector, one point per
 *   series, has nothing to summarize: its summary is its compact form.
 */

export const FORMATS = ['prometheus', 'compact', 'summary'] as const;
export type Format = (typeof FORMATS)[number];

/** Significant digits of compact and summary values unless the caller asks otherwise: within 0.05%, closer than an answer needs. */
export const DEFAULT_PRECISION = 4;
/** Digits from which values are exact: 17 significant digits tell any two doubles apart. */
export const LOSSLESS_PRECISION = 17;

/** The precision formatData takes for a requested one: the default, or none (lossless) from 17 digits on. */
export function precisionFor(requested: number | undefined): number | undefined {
  const digits = requested ?? DEFAULT_PRECISION;
  return digits >= LOSSLESS_PRECISION ? undefined : digits;
}

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

/** A compact vector in Prometheus' own shape, its values as compact writes them. */
export interface CompactVector {
  resultType: 'vector';
  result: { metric: Record<string, string>; value: [number, CompactValue] }[];
}

/**
 * Shapes query data in `format`, values to `precision` significant digits (none:
 * lossless); scalars and strings stay as Prometheus sent them.
 */
export function formatData(data: QueryData, format: Format | undefined, stepSeconds?: number, precision?: number): unknown {
  if (format === undefined || format === 'prometheus') return data;
  if (data.resultType === 'matrix' && Array.isArray(data.result)) {
    const series = data.result as MatrixSeries[];
    return format === 'compact'
      ? compactMatrix(series, stepSeconds, precision)
      : { resultType: 'matrix', format: 'summary', series: series.map((s) => summarize(s, precision)) };
  }
  if (data.resultType === 'vector' && Array.isArray(data.result)) return compactVector(data.result as VectorSeries[], precision);
  return data;
}

function compactMatrix(series: MatrixSeries[], step: number | undefined, precision: number | undefined): CompactData {
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
        values: values.map(([, v]) => compactValue(v, precision)),
      };
    }),
  };
}

/**
 * Prometheus' shape with numbers, or, where it is smaller (several series at one time),
 * the time once and each series' value: a vector's answer is never larger than Prometheus'.
 */
function compactVector(series: VectorSeries[], precision: number | undefined): CompactVector | CompactData {
  const inPlace: CompactVector = {
    resultType: 'vector',
    result: series.map(({ metric, value: [t, v] }) => ({ metric, value: [t, compactValue(v, precision)] })),
  };
  const time = series[0]?.value[0];
  const shared: CompactData = {
    resultType: 'vector',
    format: 'compact',
    ...(time === undefined ? {} : { time }),
    series: inPlace.result.map(({ metric, value: [t, v] }) => ({ metric, ...(t === time ? {} : { time: t }), value: v })),
  };
  return JSON.stringify(shared).length < JSON.stringify(inPlace).length ? shared : inPlace;
}

/** The timestamp of a regular series' i-th point, to the millisecond as Prometheus sends it. */
function timeAt(start: number, step: number, i: number): number {
  return Math.round((start + i * step) * 1000) / 1000;
}

/**
 * Lossless, a number where it prints back to Prometheus' exact text, the text otherwise;
 * with a precision, a number rounded to it, unless that would print longer. NaN and
 * infinities stay text.
 */
function compactValue(text: string, precision?: number): CompactValue {
  const n = Number(text);
  const exact = Number.isFinite(n) && String(n) === text ? n : text;
  if (precision === undefined || !Number.isFinite(n)) return exact;
  const rounded = round(n, precision);
  return String(rounded).length <= (typeof exact === 'number' ? String(exact).length : text.length + 2) ? rounded : exact;
}

/**
 * To `precision` significant digits, but never into the whole part: a timestamp or a
 * byte count stays exact (its digits cost a model no more tokens than rounded ones).
 */
function round(n: number, precision: number): number {
  if (Math.abs(n) >= 10 ** precision) return Math.sign(n) * Math.round(Math.abs(n));
  return Number(n.toPrecision(precision));
}

/** The `prometheus` answer a `compact` one came from: exactly, when it is lossless. */
export function decodeCompact(data: CompactData | CompactVector): QueryData {
  const text = (v: CompactValue | undefined) => (typeof v === 'number' ? String(v) : v!);
  if ('result' in data) {
    return { resultType: 'vector', result: data.result.map(({ metric, value: [t, v] }) => ({ metric, value: [t, text(v)] })) };
  }
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

function summarize({ metric, values }: MatrixSeries, precision: number | undefined): SeriesSummary {
  const point = ([time, value]: Sample): Point => ({ time, value: compactValue(value, precision) });
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
    avg: finite === 0 ? null : precision === undefined ? sum / finite : round(sum / finite, precision),
  };
}
