import type { EventShape, SuccessEnvelope } from './responses';

/**
 * Results sized for the caller: the limits a request asks for (max_series,
 * max_points), and the response budget no answer may exceed (a Lambda response is
 * at most 6 MB). Whatever is left out is said in a note, never dropped silently.
 */

/** Lambda's limit for a synchronous response is 6 MB (6,291,456 bytes); keep clear of it. */
export const MAX_RESPONSE_BUDGET_BYTES = 6_000_000;

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
      `returned ${limits.maxSeries} of ${result.length} series (max_series); narrow the query or aggregate (sum by, topk) to see the rest`,
    );
    result = result.slice(0, limits.maxSeries);
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

/** The size of the response Lambda will send for this envelope, in bytes. */
export function responseBytes(shape: EventShape, envelope: unknown): number {
  const json = JSON.stringify(envelope);
  if (shape === 'flat') return Buffer.byteLength(json);
  return Buffer.byteLength(JSON.stringify({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: json }));
}

/**
 * Cuts the envelope's big list (a query's `result`, list-metrics' `metrics`) to the
 * first items that fit the budget. `upstreamBytes` (the size of what Prometheus sent)
 * spares the measuring when the answer is clearly small.
 */
export function fitToBudget(
  envelope: SuccessEnvelope,
  shape: EventShape,
  budgetBytes: number,
  upstreamBytes: number,
): { envelope: SuccessEnvelope; returned?: number } {
  // A body string escapes each quote again: at most twice the size.
  const worstCase = upstreamBytes * (shape === 'body' ? 2 : 1) + 64 * 1024;
  if (worstCase <= budgetBytes) return { envelope };
  const list = bigList(envelope.data);
  if (list === undefined) return { envelope };

  // Measure the items one by one, and only until the budget is spent: a 25 MB answer
  // costs one pass over the 6 MB kept, not a full serialization.
  let room = budgetBytes - responseBytes(shape, { ...envelope, data: list.replace([]) }) - NOTE_ROOM_BYTES;
  let keep = 0;
  while (keep < list.items.length) {
    const item = list.items[keep];
    const companion = list.companion?.(item);
    // A metadata entry is `"name":{...}`: the key and a colon besides the value.
    const size = itemSize(shape, item) + (companion === undefined ? 0 : itemSize(shape, companion[0]) + itemSize(shape, companion[1]));
    if (size > room) break;
    room -= size;
    keep++;
  }
  if (keep === list.items.length) return { envelope };

  const note =
    `the complete answer (about ${size(upstreamBytes)} from Prometheus) is larger than the ${size(budgetBytes)} response budget: ` +
    `returned ${keep} of ${list.items.length} ${list.unit}; ` +
    (list.narrow ??
      'narrow the query (more label matchers, sum by, topk)' + (list.unit === 'series' ? ' or pass max_series / max_points' : ' or pass match / limit'));
  const notes = envelope.note === undefined ? [note] : [envelope.note, note];
  return {
    envelope: { ...envelope, data: list.replace(list.items.slice(0, keep)), truncated: true, note: notes.join('; ') },
    returned: keep,
  };
}

function size(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.ceil(bytes / 1000)} KB`;
}

/** Room kept for the note and flag added to a cut answer. */
const NOTE_ROOM_BYTES = 1024;

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

/** The lists of list_labels, label_values, series and list_workspaces ({<key>, total, truncated}), and how to ask for less. */
const DISCOVERY_LISTS: [key: string, unit: string, narrow: string][] = [
  ['labels', 'label names', 'pass match, start or limit'],
  ['values', 'label values', 'pass match, start or limit'],
  ['series', 'series', 'pass a narrower match, start or limit'],
  ['workspaces', 'workspaces', 'pass alias'],
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
    return { items: d.groups, unit: 'rule groups', narrow: 'pass type, group or limit', replace: (items) => ({ ...d, groups: items, truncated: true }) };
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

function itemSize(shape: EventShape, item: unknown): number {
  const json = JSON.stringify(item);
  // One comma between items; in a body string, quotes and backslashes are escaped once more.
  return (shape === 'flat' ? Buffer.byteLength(json) : Buffer.byteLength(JSON.stringify(json)) - 2) + 1;
}
