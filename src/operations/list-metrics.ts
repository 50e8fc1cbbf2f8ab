import { notServed } from '../shared/cloudwatch';
import { NotSupportedError } from '../shared/errors';
import { Integer, Optional, TArray, TBoolean, TObject, TString, Unknown, limit, output, selectors, target } from '../shared/schemas';
import { resolveTarget, targetsCloudWatch } from '../shared/workspace';
import type { QueryData } from '../shared/result-size';
import { formatSeconds } from '../shared/time';
import { cachedClient, clientFor, limitedList, samplesThresholds, truncationNotes, warningsOf } from './common';
import { discoveryExtra, selection, timeWindow, type Selection } from './discovery';
import { HINT_CALLS, searchHint } from './hints';
import { defineOperation, type OperationContext, type OperationResult } from './types';

type TargetArgs = { workspace_id?: string; region?: string };

interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}

/** A selector that is only a metric name, which a model may mean as a search. */
const BARE_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export const listMetrics = defineOperation({
  name: 'list_metrics',
  description:
    'List metric names, sorted: the first step before writing PromQL. Counters end in _total: query them with rate(). ' +
    'Example: {"search": "cpu"}.',
  args: TObject(
    {
      ...target,
      search: Optional(TString({ minLength: 1, maxLength: 256, description: 'Only names containing this, any case.' })),
      match: Optional(selectors('Series selector(s): only their metrics.')),
      ...timeWindow,
      limit: Optional(limit('metric names')),
      include_metadata: Optional(TBoolean({ description: 'Add each type, help and unit.' })),
      top: Optional(Integer({ minimum: 1, maximum: 100, description: 'Instead: the N metrics with the most series now (cardinality), most first.' })),
    },
    { additionalProperties: false },
  ),
  output: output(
    {
      metrics: TArray(TString()),
      total: Integer(),
      truncated: TBoolean(),
      metadata: Optional(Unknown()),
      series: Optional(TObject({}, { description: 'With top: metric name → its series now, most first.' })),
    },
    'Metric names, sorted; total before the limit; metadata by name when asked.',
  ),
  calls: ['label/values', 'metadata', 'query', 'DescribeWorkspace', ...HINT_CALLS],
  // top (a query) is refused on CloudWatch before any call: no cloudwatch:GetMetricData for it.
  cloudWatchCalls: ['label/values', ...HINT_CALLS],
  async run(args, ctx) {
    const selected = selection(args);
    if (args.top !== undefined && targetsCloudWatch(args, ctx.config)) {
      throw new NotSupportedError(
        'top: CloudWatch PromQL needs a metric name in every selector, so it cannot count the series of every metric; ' +
          "count one metric's series and its labels' values with discover's metric, or query count({\"<metric>\"})",
      );
    }
    if (args.top !== undefined) return topMetrics(args.top, selected, args.search, args, ctx);
    const client = await clientFor(args, ctx);
    if (args.include_metadata === true && targetsCloudWatch(args, ctx.config)) {
      throw new NotSupportedError(`include_metadata: ${notServed('metadata', 'metadata').message}`);
    }
    const answer = await client.call<string[]>('label/__name__/values', selected.params, ctx);
    const search = args.search?.toLowerCase();
    const names = [...answer.data].sort();
    const found = search === undefined ? names : names.filter((name) => name.toLowerCase().includes(search));
    // Names cut as they were read (more than the function holds) leave the search and the total inexact: said in the note.
    const list = limitedList(found, args.limit, 'metric names', 'narrow with search or match', search === undefined ? answer.cut?.total : undefined);
    const notes = [...truncationNotes([answer], 'narrow with match or a shorter window (start, end)', 'metric names'), ...list.notes];
    const data: Record<string, unknown> = { metrics: list.items, total: list.total, truncated: list.truncated };
    let upstreamBytes = answer.bytes;

    if (args.include_metadata === true) {
      const metadata = await client.call<Record<string, MetricMetadata[]>>('metadata', [], ctx);
      upstreamBytes += metadata.bytes;
      data.metadata = Object.fromEntries(
        list.items.flatMap((name) => {
          const entry = metadata.data[name]?.[0];
          return entry === undefined ? [] : [[name, { type: entry.type, help: entry.help, unit: entry.unit }]];
        }),
      );
    }
    const extra = await discoveryExtra(selected, names.length === 0, client, ctx);
    const hints = (extra.hints as string[] | undefined) ?? [];
    if (found.length === 0 && names.length > 0) hints.push(searchHint(args.search!, names));
    const bare = selected.match.find((selector) => BARE_NAME.test(selector));
    if (names.length === 0 && bare !== undefined) hints.push(`match takes series selectors: search "${bare}" finds the names containing it`);
    return {
      data,
      count: list.items.length,
      upstreamBytes,
      ...(notes.length === 0 ? {} : { notes }),
      extra: { ...extra, ...(hints.length === 0 ? {} : { hints }) },
      ...warningsOf(answer),
    };
  },
});

/**
 * The metrics with the most series at the window's end, most first: `topk(N, count by
 * (__name__) (…))`, so Prometheus counts and only N numbers come back. Without `match`, over
 * every series whose name contains `search` (a regex on the name); with it, one query per
 * selector (PromQL's `or` and `and` match series without their names, so selectors of two
 * metrics cannot be joined in one query), each name's largest count kept and `search` applied
 * to the names counted. It reads a sample per series it selects (2.6 s for a million on a
 * 2-core machine): its cost is in samples_processed, under AMP's guardrails.
 */
async function topMetrics(top: number, selected: Selection, search: string | undefined, args: TargetArgs, ctx: OperationContext): Promise<OperationResult> {
  const target = await resolveTarget(args, ctx.config, ctx.deadline);
  const client = cachedClient(target, ctx.config);
  const guardrails = samplesThresholds(target.source, ctx.config.samplesThresholds);
  const names = `{__name__=~${JSON.stringify(search === undefined ? '.+' : `(?i).*${search.replace(/[\\.^$|?*+()[\]{}]/g, (c) => `\\${c}`)}.*`)}}`;
  const selectors = selected.match.length === 0 ? [names] : selected.match;
  const time = formatSeconds(selected.window.end);
  const answers = [];
  for (const selector of selectors) {
    answers.push(await client.call<QueryData>('query', [['query', `topk(${top}, count by (__name__) (${selector}))`], ['time', time], ...guardrails.params], ctx));
  }
  const largest = new Map<string, number>();
  for (const answer of answers) {
    for (const s of Array.isArray(answer.data.result) ? (answer.data.result as { metric: { __name__?: string }; value: [number, string] }[]) : []) {
      const name = s.metric.__name__ ?? '';
      largest.set(name, Math.max(largest.get(name) ?? 0, Number(s.value[1])));
    }
  }
  const wanted = selected.match.length === 0 || search === undefined ? undefined : search.toLowerCase();
  const counted = [...largest]
    .filter(([name]) => wanted === undefined || name.toLowerCase().includes(wanted))
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, top);
  return {
    data: { metrics: counted.map(([metric]) => metric), total: counted.length, truncated: false, series: Object.fromEntries(counted) },
    count: counted.length,
    upstreamBytes: answers.reduce((sum, a) => sum + a.bytes, 0),
    ...(counted.length === 0 || guardrails.remarks.length > 0 ? { remarks: [...(counted.length === 0 ? [`no series matched at ${time}`] : []), ...guardrails.remarks] } : {}),
    ...warningsOf(answers[answers.length - 1]!),
  };
}
