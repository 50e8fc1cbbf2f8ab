import type { PrometheusAnswer } from '../shared/prometheus-client';
import { assertValidPromQL } from '../shared/promql';
import { Optional, time } from '../shared/schemas';
import { assertOrdered, formatSeconds, parseTime } from '../shared/time';
import { nowSeconds, warningsOf, type limitedList } from './common';
import type { OperationResult } from './types';

/**
 * What the discovery operations (list_labels, label_values, series) share: a series
 * selector and a time window turned into the parameters of Prometheus' labels and
 * series APIs, and an answer that is a sorted list cut to `limit`.
 */

export const timeWindow = {
  start: Optional(
    time('Only series with samples since then; without it, all the data held.'),
  ),
  end: Optional(time('Only series with samples until then.')),
};

/** One `match[]` per selector, as Prometheus takes several, each checked first. */
export function matchParams(match: string | string[] | undefined): [string, string][] {
  if (match === undefined) return [];
  const list = typeof match === 'string' ? [match] : match;
  return list.map((selector, i) => {
    assertValidPromQL(typeof match === 'string' ? 'match' : `match[${i}]`, selector);
    return ['match[]', selector];
  });
}

/** `match[]`, `start` and `end` as Prometheus takes them (times in Unix seconds), each checked first. */
export function selectionParams(args: { match?: string | string[]; start?: string | number; end?: string | number }): [string, string][] {
  const params = matchParams(args.match);
  const now = nowSeconds();
  const start = args.start === undefined ? undefined : parseTime('start', args.start, now);
  const end = args.end === undefined ? undefined : parseTime('end', args.end, now);
  if (start !== undefined && end !== undefined) assertOrdered(start, end);
  if (start !== undefined) params.push(['start', formatSeconds(start)]);
  if (end !== undefined) params.push(['end', formatSeconds(end)]);
  return params;
}

/** `{<key>: items, total, truncated, ...more}`, with the note of what the limit left out. */
export function listResult(
  key: string,
  list: ReturnType<typeof limitedList>,
  answer: PrometheusAnswer,
  more: Record<string, unknown> = {},
): OperationResult {
  return {
    data: { [key]: list.items, total: list.total, truncated: list.truncated, ...more },
    count: list.items.length,
    upstreamBytes: answer.bytes,
    ...(list.notes.length === 0 ? {} : { notes: list.notes }),
    ...warningsOf(answer),
  };
}
