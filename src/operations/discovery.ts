import type { PrometheusAnswer, PrometheusClient } from '../shared/prometheus-client';
import { assertValidPromQL } from '../shared/promql';
import { Optional, time } from '../shared/schemas';
import { assertOrdered, formatSeconds, parseTime } from '../shared/time';
import { nowSeconds, truncationNotes, warningsOf, type limitedList } from './common';
import { discoveryHints, type HintWindow } from './hints';
import type { OperationContext, OperationResult } from './types';

/**
 * What the discovery operations (list_metrics, list_labels, label_values, series) share:
 * a series selector and a time window turned into the parameters of Prometheus' labels
 * and series APIs, and an answer that is a sorted list cut to `limit`, with hints when
 * it is empty.
 *
 * Without start they look at the last hour: what exists now, as an SRE asks. Series of
 * replaced pods and retired jobs stay out, and the answer says so (`window`); start
 * (30d, an RFC3339 time) widens it. An hour also keeps AMP's label and series calls on
 * its recent data, the cheapest to read.
 */

const RECENT_SECONDS = 3600;

export const timeWindow = {
  start: Optional(time('Default: 1h before end.')),
  end: Optional(time('Default: now.')),
};

/** The parameters sent, the window they cover and, when start was left out, what the answer says of it. */
export interface Selection {
  params: [string, string][];
  /** Each selector of `match`, as given. */
  match: string[];
  window: HintWindow;
  stated?: string;
}

/** One `match[]` per selector, as Prometheus takes several, each checked first. */
export function matchParams(match: string | string[] | undefined): [string, string][] {
  if (match === undefined) return [];
  const list = typeof match === 'string' ? [match] : match;
  return list.map((selector, i) => {
    assertValidPromQL(typeof match === 'string' ? 'match' : `match[${i}]`, selector);
    return ['match[]', selector];
  });
}

type SelectionArgs = { match?: string | string[]; start?: string | number; end?: string | number };

/** `match[]`, `start` (default: an hour before end) and `end` as Prometheus takes them (Unix seconds), each checked first. */
export function selection(args: SelectionArgs): Selection {
  const params = matchParams(args.match);
  const now = nowSeconds();
  const end = args.end === undefined ? undefined : parseTime('end', args.end, now);
  const start = args.start === undefined ? (end ?? now) - RECENT_SECONDS : parseTime('start', args.start, now);
  if (end !== undefined) assertOrdered(start, end);
  params.push(['start', formatSeconds(start)]);
  if (end !== undefined) params.push(['end', formatSeconds(end)]);
  const recent = args.start === undefined ? (end === undefined ? 'the last 1h' : 'the 1h before end') : undefined;
  return {
    params,
    match: params.filter(([key]) => key === 'match[]').map(([, selector]) => selector),
    window: { start, end: end ?? now, ...(recent === undefined ? {} : { text: `in ${recent}` }) },
    ...(recent === undefined ? {} : { stated: `${recent} (default): pass start, e.g. 30d, for older data` }),
  };
}

/** The parameters of `selection`. */
export function selectionParams(args: SelectionArgs): [string, string][] {
  return selection(args).params;
}

/** What the envelope adds to a discovery answer: the default window, and hints when the answer is empty. */
export async function discoveryExtra(
  selected: Selection,
  empty: boolean,
  client: PrometheusClient,
  ctx: OperationContext,
  label?: string,
): Promise<Record<string, unknown>> {
  const hints = empty ? await discoveryHints(client, ctx, selected.window, selected.match, label) : [];
  return { ...(selected.stated === undefined ? {} : { window: selected.stated }), ...(hints.length === 0 ? {} : { hints }) };
}

/** `{<key>: items, total, truncated, ...more}`, with the note of what the limit left out and the envelope's `extra`. */
export function listResult(
  key: string,
  list: ReturnType<typeof limitedList>,
  answer: PrometheusAnswer,
  more: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): OperationResult {
  const notes = [...truncationNotes([answer], 'narrow with match or a shorter window (start, end)', key), ...list.notes];
  return {
    data: { [key]: list.items, total: list.total, truncated: list.truncated, ...more },
    count: list.items.length,
    upstreamBytes: answer.bytes,
    // CloudWatch cuts a long list itself and says so in a warning: flagged, never silent.
    ...(notes.length === 0 ? {} : { notes }),
    ...(Object.keys(extra).length === 0 ? {} : { extra }),
    ...warningsOf(answer),
  };
}
