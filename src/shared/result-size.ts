import { formatData, type Format } from './formats';
import type { EventShape, SuccessEnvelope } from './responses';

/**
 * Results sized for the caller: the limits a request asks for (max_series,
 * max_points), and the response budget no answer may exceed: bytes for a direct
 * invocation (a Lambda response is at most 6 MB), tokens for a tool call (hosts
 * reject tool results over their token limit). An answer over budget degrades rather
 * than empties: a range query to a larger step, then to the summary format; a list to
 * the items that fit. Whatever is left out is said in a note, never dropped silently.
 */

/** Lambda's limit for a synchronous response is 6 MB (6,291,456 bytes); keep clear of it. */
export const MAX_RESPONSE_BUDGET_BYTES = 6_000_000;

/** How much an answer may hold, in the unit its reader counts. */
export interface Budget {
  limit: number;
  unit: 'bytes' | 'tokens';
}

/**
 * An upper bound on the o200k_base tokens of `text`, in one pass and without the
 * tokenizer (a dev dependency, kept out of the bundles). The tokenizer splits digits
 * into groups of at most 3, each one token; letters are counted a token per 2 (words
 * are longer tokens; random IDs about that); any other character a token of its own,
 * and a non-ASCII one 3 (its UTF-8 bytes). Measured in the tests against gpt-tokenizer:
 * 1.0 to 3 times the real count, never below it.
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isDigit(c) || isLetter(c)) {
      const digits = isDigit(c);
      let j = i + 1;
      while (j < text.length && (digits ? isDigit(text.charCodeAt(j)) : isLetter(text.charCodeAt(j)))) j++;
      tokens += Math.ceil((j - i) / (digits ? 3 : 2));
      i = j;
    } else {
      tokens += c < 128 ? 1 : 3;
      i++;
    }
  }
  return tokens;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c | 32) >= 97 && (c | 32) <= 122;

/** The envelope with `truncated` and `note` before `data`: a reader learns the answer is cut before reading it. */
export function ordered<E extends SuccessEnvelope>(envelope: E): E {
  const { status, truncated, note, data, ...rest } = envelope;
  return {
    status,
    ...(truncated === undefined ? {} : { truncated }),
    ...(note === undefined ? {} : { note }),
    data,
    ...rest,
  } as E;
}

interface Series {
  metric: Record<string, string>;
  values?: unknown[];
  value?: unknown;
}

export interface QueryData {
  resultType: string;
  result: unknown;
}

/** Applies max_series and max_points; returns the data and a note for each cut. */
export function applyLimits(
  data: QueryData,
  limits: { maxSeries?: number; maxPoints?: number },
): { data: QueryData; notes: string[] } {
  // Only vectors and matrices hold series; a scalar's result is [time, value].
  if (!isSeriesList(data)) return { data, notes: [] };
  const notes: string[] = [];
  let result = data.result as Series[];
  if (limits.maxSeries !== undefined && result.length > limits.maxSeries) {
    notes.push(
      `kept the ${limits.maxSeries} of ${result.length} series with the largest latest value (max_series); narrow the query or aggregate (sum by, topk) to see the rest`,
    );
    result = largestLatest(result, limits.maxSeries);
  }
  const maxPoints = limits.maxPoints;
  if (maxPoints !== undefined && result.some((s) => Array.isArray(s.values) && s.values.length > maxPoints)) {
    const longest = Math.max(...result.map((s) => s.values?.length ?? 0));
    notes.push(
      `kept the last ${maxPoints} of up to ${longest} points per series (max_points); a larger step shows the whole range`,
    );
    result = result.map((s) => (Array.isArray(s.values) && s.values.length > maxPoints ? { ...s, values: s.values.slice(-maxPoints) } : s));
  }
  return { data: notes.length === 0 ? data : { ...data, result }, notes };
}

/**
 * The `n` series whose latest value (a vector's value, a matrix's last point) is largest,
 * as an agent reads "at most N series": the top N. They stay in Prometheus' order; NaN and
 * histogram samples rank last, and ties keep the earlier series.
 */
function largestLatest(series: Series[], n: number): Series[] {
  const ranked = series.map((s, i) => ({ i, value: latestValue(s) })).sort((a, b) => descending(a.value, b.value) || a.i - b.i);
  const kept = new Set(ranked.slice(0, n).map((r) => r.i));
  return series.filter((_, i) => kept.has(i));
}

/** NaN when the series has no float sample. */
function latestValue(series: Series): number {
  const sample = Array.isArray(series.values) ? series.values.at(-1) : series.value;
  const text = Array.isArray(sample) ? sample[1] : undefined;
  // Prometheus writes infinities as +Inf and -Inf, which Number() does not read.
  return text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : typeof text === 'string' ? Number(text) : NaN;
}

/** Largest first, NaN after every number. */
function descending(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return a === b ? 0 : a > b ? -1 : 1;
}

/** The size of the response Lambda will send for this envelope, in bytes. */
export function responseBytes(shape: EventShape, envelope: unknown): number {
  return responseSize(shape, envelope, 'bytes');
}

/** The size of the response Lambda will send for this envelope, in `unit`. */
export function responseSize(shape: EventShape, envelope: unknown, unit: Budget['unit']): number {
  const json = JSON.stringify(envelope);
  return measure(shape === 'flat' ? json : JSON.stringify({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: json }), unit);
}

function measure(text: string, unit: Budget['unit']): number {
  return unit === 'bytes' ? Buffer.byteLength(text) : estimateTokens(text);
}

/** A range query's data before its format, to resample it to a larger step. */
export interface RangeSource {
  /** Prometheus' matrix, with the limits applied. */
  data: QueryData;
  format?: Format;
  /** Significant digits of the compact and summary values; none: lossless. */
  precision?: number;
  /** The query's start and step, in seconds: every timestamp is start + i * step. */
  start: number;
  step: number;
}

/** Steps a resampled answer may take, in seconds (a multiple of the query's step). */
const ROUND_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];
/** Below this many points per series, the summary format says more than a resampled series. */
const MIN_RESAMPLED_POINTS = 30;

/**
 * Fits the envelope to the budget. A range query (`range`) first takes a larger step
 * (every k-th point: what Prometheus answers for that step), then the summary format;
 * then the envelope's big list (a query's `result`, list-metrics' `metrics`) is cut to
 * the first items that fit, and a single series too big alone to its latest points.
 * `upstreamBytes` (the size of what Prometheus sent) spares the measuring when the
 * answer is clearly small. `truncated` and `note` always come before `data`.
 */
export function fitToBudget(
  envelope: SuccessEnvelope,
  shape: EventShape,
  budget: Budget,
  upstreamBytes: number,
  range?: RangeSource,
): { envelope: SuccessEnvelope; returned?: number } {
  // A body string escapes each quote again: at most twice the size; an estimate of tokens is at most the bytes.
  const worstCase = upstreamBytes * (shape === 'body' ? 2 : 1) + 64 * 1024;
  if (worstCase <= budget.limit) return { envelope: ordered(envelope) };
  const list = bigList(envelope.data);
  if (list === undefined) return { envelope: ordered(envelope) };
  const room = budget.limit - NOTE_ROOM[budget.unit];
  const over = `the complete answer (about ${size(upstreamBytes)} from Prometheus) is larger than the ${budgetText(budget)} response budget`;
  const withNote = (data: unknown, note: string) =>
    ordered({ ...envelope, data, truncated: true, note: envelope.note === undefined ? note : `${envelope.note}; ${note}` });

  const kept = fittingItems(envelope, list, shape, budget.unit, room);
  if (kept === list.items.length) return { envelope: ordered(envelope) };

  if (range !== undefined && range.format !== 'summary' && isSeriesList(range.data) && range.data.resultType === 'matrix') {
    const fitted = resampled(envelope, range, shape, budget.unit, room);
    if (fitted !== undefined) {
      return {
        envelope: withNote(
          fitted.data,
          `${over}: step ${seconds(range.step)} → ${seconds(fitted.step)} (every ${fitted.step / range.step === 2 ? '2nd' : `${Math.round(fitted.step / range.step)}th`} point, as Prometheus answers that step)`,
        ),
      };
    }
    const summary = formatData(range.data, 'summary', undefined, range.precision);
    const why = `${over}: the summary format (a step keeping ${MIN_RESAMPLED_POINTS} points per series would not fit)`;
    const summaryList = bigList(summary)!;
    const summaryKept = fittingItems({ ...envelope, data: summary }, summaryList, shape, budget.unit, room);
    if (summaryKept === summaryList.items.length) return { envelope: withNote(summary, why), returned: summaryKept };
    return cut({ ...envelope, data: summary }, summaryList, summaryKept, why, withNote, shape, budget.unit, room);
  }
  return cut(envelope, list, kept, over, withNote, shape, budget.unit, room);
}

/** The first `kept` items, with a note saying which; a first series too big alone keeps its latest points. */
function cut(
  envelope: SuccessEnvelope,
  list: BigList,
  kept: number,
  over: string,
  withNote: (data: unknown, note: string) => SuccessEnvelope,
  shape: EventShape,
  unit: Budget['unit'],
  room: number,
): { envelope: SuccessEnvelope; returned: number } {
  // Query data is kept in Prometheus' order (the discovery lists say their own order).
  const which = list.unit === 'series' && list.narrow === undefined ? ` (the first in Prometheus' order, by labels for a range query)` : '';
  const narrow =
    list.narrow ?? 'narrow the query (more label matchers, sum by, topk)' + (list.unit === 'series' ? ' or pass max_series / max_points' : ' or pass match / limit');
  const first = list.items[0] as { values?: unknown[] } | undefined;
  if (kept === 0 && first !== undefined && Array.isArray(first.values) && first.values.length > 1) {
    const points = first.values.length;
    // The most points of the first series that fit: a binary search, each try one measure.
    let low = 0;
    let high = points;
    while (low < high) {
      const n = Math.ceil((low + high) / 2);
      const data = list.replace([latestPoints(first, n, envelope.data)]);
      if (responseSize(shape, { ...envelope, data }, unit) <= room) low = n;
      else high = n - 1;
    }
    if (low > 0) {
      const note = `${over}: returned 1 of ${list.items.length} series${which}, with its last ${low} of ${points} points; ${narrow}`;
      return { envelope: withNote(list.replace([latestPoints(first, low, envelope.data)]), note), returned: 1 };
    }
  }
  const note = `${over}: returned ${kept} of ${list.items.length} ${list.unit}${which}; ${narrow}`;
  return { envelope: withNote(list.replace(list.items.slice(0, kept)), note), returned: kept };
}

/** A series with only its last `n` points, in the prometheus or the compact format. */
function latestPoints(series: { values?: unknown[]; timestamps?: number[]; start?: number }, n: number, data: unknown): unknown {
  const dropped = series.values!.length - n;
  const step = (data as { step?: number }).step;
  return {
    ...series,
    ...(series.start === undefined || step === undefined ? {} : { start: Math.round((series.start + dropped * step) * 1000) / 1000 }),
    ...(series.timestamps === undefined ? {} : { timestamps: series.timestamps.slice(dropped) }),
    values: series.values!.slice(dropped),
  };
}

/** The range query at the smallest round larger step that fits, if one keeps MIN_RESAMPLED_POINTS per series. */
function resampled(
  envelope: SuccessEnvelope,
  range: RangeSource,
  shape: EventShape,
  unit: Budget['unit'],
  room: number,
): { data: unknown; step: number } | undefined {
  const series = range.data.result as { values: [number, string][] }[];
  const last = Math.max(...series.map((s) => s.values.at(-1)?.[0] ?? range.start));
  let factor = Math.ceil(responseSize(shape, envelope, unit) / room);
  for (;;) {
    const step = roundStep(range.step, factor);
    if (Math.floor((last - range.start) / step) + 1 < MIN_RESAMPLED_POINTS) return undefined;
    const data = formatData(resample(range.data, range.start, step), range.format, step, range.precision);
    const cost = responseSize(shape, { ...envelope, data }, unit);
    if (cost <= room) return { data, step };
    const k = Math.round(step / range.step);
    factor = Math.max(k + 1, Math.ceil((k * cost) / room));
  }
}

/** The smallest round step that is a multiple of `step` and at least `factor` times it (else exactly that). */
function roundStep(step: number, factor: number): number {
  const stepMs = Math.round(step * 1000);
  const round = ROUND_STEPS.find((s) => s * 1000 >= stepMs * factor && (s * 1000) % stepMs === 0);
  return round ?? (stepMs * factor) / 1000;
}

/** The points Prometheus would answer with `step`: those at start + i * step. */
function resample(data: QueryData, start: number, step: number): QueryData {
  const startMs = Math.round(start * 1000);
  const stepMs = Math.round(step * 1000);
  return {
    ...data,
    result: (data.result as { values: [number, string][] }[]).map((s) => ({
      ...s,
      values: s.values.filter(([t]) => (Math.round(t * 1000) - startMs) % stepMs === 0),
    })),
  };
}

/** How many of the list's first items fit in `room`, measured one by one and only until it is spent. */
function fittingItems(envelope: SuccessEnvelope, list: BigList, shape: EventShape, unit: Budget['unit'], room: number): number {
  // A 25 MB answer costs one pass over what is kept, not a full serialization.
  let left = room - responseSize(shape, { ...envelope, data: list.replace([]) }, unit);
  let keep = 0;
  while (keep < list.items.length) {
    const item = list.items[keep];
    const companion = list.companion?.(item);
    // A metadata entry is `"name":{...}`: the key and a colon besides the value.
    const cost =
      itemSize(shape, item, unit) + (companion === undefined ? 0 : itemSize(shape, companion[0], unit) + itemSize(shape, companion[1], unit));
    if (cost > left) break;
    left -= cost;
    keep++;
  }
  return keep;
}

function budgetText(budget: Budget): string {
  return budget.unit === 'bytes' ? size(budget.limit) : `${budget.limit.toLocaleString('en-US')}-token`;
}

function seconds(s: number): string {
  return `${s}s`;
}

function size(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.ceil(bytes / 1000)} KB`;
}

/** Room kept for the note and flag added to a cut answer. */
const NOTE_ROOM: Record<Budget['unit'], number> = { bytes: 1024, tokens: 300 };

function isSeriesList(data: { resultType?: unknown; result?: unknown }): data is { resultType: string; result: unknown[] } {
  return (data.resultType === 'vector' || data.resultType === 'matrix') && Array.isArray(data.result);
}

interface BigList {
  items: unknown[];
  unit: string;
  /** The data with only `items` kept. */
  replace(items: unknown[]): unknown;
  /** What else in the data belongs to an item (list-metrics' metadata of a name), to count in its size. */
  companion?(item: unknown): [string, unknown] | undefined;
  /** How to ask for less, where narrowing the query does not apply. */
  narrow?: string;
}

/** The lists of list_labels, label_values, series, list_workspaces and list_silences ({<key>, total, truncated}), and how to ask for less. */
const DISCOVERY_LISTS: [key: string, unit: string, narrow: string][] = [
  ['labels', 'label names', 'pass match, start or limit'],
  ['values', 'label values', 'pass match, start or limit'],
  ['series', 'series', 'pass a narrower match, start or limit'],
  ['workspaces', 'workspaces', 'pass alias'],
  ['silences', 'silences', 'pass limit, or leave out expired ones'],
];

function bigList(data: unknown): BigList | undefined {
  const d = data as { resultType?: unknown; result?: unknown; series?: unknown; metrics?: unknown; metadata?: unknown; alerts?: unknown; groups?: unknown } | null;
  if (d !== null && isSeriesList(d)) return { items: d.result, unit: 'series', replace: (items) => ({ ...d, result: items }) };
  // The discovery answers: before query data's `series`, which has no `total`.
  if (d !== null && typeof (d as { total?: unknown }).total === 'number') {
    for (const [key, unit, narrow] of DISCOVERY_LISTS) {
      const items = (d as Record<string, unknown>)[key];
      if (Array.isArray(items)) return { items, unit, narrow, replace: (kept) => ({ ...d, [key]: kept, truncated: true }) };
    }
  }
  // The compact and summary formats of query data.
  if (d !== null && Array.isArray(d.series)) return { items: d.series, unit: 'series', replace: (items) => ({ ...d, series: items }) };
  // list_alerts' alerts, and list_rules' groups (each kept or left out whole).
  if (d !== null && Array.isArray(d.alerts)) {
    return { items: d.alerts, unit: 'alerts', narrow: 'pass state or limit', replace: (items) => ({ ...d, alerts: items, truncated: true }) };
  }
  if (d !== null && Array.isArray(d.groups)) {
    // The Alertmanager's notification groups (each with its receiver), or list_rules' rule groups.
    const notification = (d.groups[0] as { receiver?: unknown } | undefined)?.receiver !== undefined;
    return {
      items: d.groups,
      unit: notification ? 'notification groups' : 'rule groups',
      narrow: notification ? 'pass limit' : 'pass type, group or limit',
      replace: (items) => ({ ...d, groups: items, truncated: true }),
    };
  }
  if (d !== null && Array.isArray(d.metrics)) {
    const metadata = d.metadata as Record<string, unknown> | undefined;
    if (metadata === undefined) {
      return { items: d.metrics, unit: 'metric names', replace: (items) => ({ ...d, metrics: items, truncated: true }) };
    }
    // Metadata is cut with the names it belongs to, and counted with them.
    return {
      items: d.metrics,
      unit: 'metric names',
      replace: (items) => ({
        ...d,
        metrics: items,
        truncated: true,
        metadata: Object.fromEntries(
          (items as string[]).filter((name) => Object.hasOwn(metadata, name)).map((name) => [name, metadata[name]]),
        ),
      }),
      companion: (item) => (Object.hasOwn(metadata, item as string) ? [item as string, metadata[item as string]] : undefined),
    };
  }
  return undefined;
}

function itemSize(shape: EventShape, item: unknown, unit: Budget['unit']): number {
  const json = JSON.stringify(item);
  // One comma between items; in a body string, quotes and backslashes are escaped once more.
  return (shape === 'flat' ? measure(json, unit) : measure(JSON.stringify(json), unit) - 2) + 1;
}
