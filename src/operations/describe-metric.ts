import type { PrometheusAnswer, PrometheusClient } from '../shared/prometheus-client';
import type { QueryData } from '../shared/result-size';
import { Integer, Optional, TNumber, TObject, TString, output, target, time } from '../shared/schemas';
import { assertOrdered, formatSeconds, parseTime } from '../shared/time';
import { resolveTarget } from '../shared/workspace';
import { cachedClient, compareText, nowSeconds, samplesThresholds, truncationNotes } from './common';
import { discoveryHints, HINT_CALLS, iso } from './hints';
import { defineOperation, type OperationContext } from './types';

/**
 * A metric name alone, UTF-8 ones included (`http.server.active_requests`, CloudWatch's
 * `4XXError`): it is only ever sent quoted. Braces and quotes mean a selector was passed.
 */
export const METRIC_NAME_PATTERN = '^[^{}"]+$';
/** The window without `start`: a day before `end`. */
export const DEFAULT_WINDOW_SECONDS = 24 * 3600;
/** Suffixes whose samples belong to a family that Prometheus' metadata may name without them (histograms, summaries, OpenMetrics counters). */
const FAMILY_SUFFIXES = ['_bucket', '_count', '_sum', '_total', '_created'];

interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}

/** What describe_metric says of a metric's type: Prometheus' metadata, or CloudWatch's labels. */
interface TypeFields {
  type?: string;
  help?: string;
  unit?: string;
  family?: string;
  temporality?: string;
}

export const describeMetric = defineOperation({
  name: 'describe_metric',
  description:
    "One metric: type, help, unit, series now, each label's number of values, first and last seen; bounded at any size. " +
    'Example: {"metric": "up"}.',
  args: TObject(
    {
      ...target,
      metric: TString({ pattern: METRIC_NAME_PATTERN, maxLength: 1024, examples: ['up'], description: 'Metric name.' }),
      start: Optional(time('Default: 24h before end.')),
      end: Optional(time('Default: now.')),
    },
    { additionalProperties: false },
  ),
  output: output(
    {
      metric: TString(),
      type: Optional(
        TString({ description: "counter, gauge, histogram, summary… (Prometheus metadata, or on CloudWatch the series' __type__ label; absent when neither has one)" }),
      ),
      temporality: Optional(TString({ description: "CloudWatch: cumulative or delta (the series' __temporality__ label); rate() does not apply to delta." })),
      help: Optional(TString()),
      unit: Optional(TString()),
      family: Optional(TString({ description: 'The name the metadata is recorded under, when not the metric itself (foo for foo_bucket).' })),
      series: Integer({ description: 'Series with a sample at end (in its 5 minutes before).' }),
      labels: TObject({}, { description: 'Label name → number of distinct values in the window, sorted by name; __name__ left out.' }),
      first_seen: Optional(TNumber({ description: 'Unix seconds: the metric is in the index from about then (to within seen_precision).' })),
      last_seen: Optional(TNumber({ description: 'Unix seconds: the metric is in the index until about then (to within seen_precision).' })),
      seen_precision: Optional(TNumber({ description: "A 256th of the window: first_seen and last_seen are that close where the index's blocks are that fine; else to the blocks' bounds." })),
      window: TObject({ start: TNumber(), end: TNumber() }, { description: 'The window read (Unix seconds).' }),
    },
    "The metric's metadata, labels and when it was seen in the window.",
  ),
  calls: ['metadata', 'labels', 'label/values', 'query', 'DescribeWorkspace', ...HINT_CALLS],
  async run(args, ctx) {
    const now = nowSeconds();
    const end = args.end === undefined ? now : parseTime('end', args.end, now);
    const start = args.start === undefined ? end - DEFAULT_WINDOW_SECONDS : parseTime('start', args.start, now);
    assertOrdered(start, end);
    // `{__name__="…"}` selects any metric name, keywords (`on`, `sum`) included.
    const selector = `{__name__=${JSON.stringify(args.metric)}}`;

    const resolved = await resolveTarget(args, ctx.config, ctx.deadline);
    const client = cachedClient(resolved, ctx.config);
    // CloudWatch has no metadata API: the type is its series' __type__ label.
    const cloudWatch = resolved.source === 'CloudWatch';
    const window: [string, string][] = [
      ['match[]', selector],
      ['start', formatSeconds(start)],
      ['end', formatSeconds(end)],
    ];
    // Bounded whatever the metric's size: its label names and each label's values come from
    // the index (no samples, each list counted as it streams in); the series from one
    // instant count at `end` (a sample per series: 2.7 s for a million on a 2-core machine,
    // where max(timestamp()) beside it took 7.5 s more); first and last seen from the index
    // again, by halving the window (no samples).
    const [metadata, labelsAnswer, now_] = await Promise.all([
      cloudWatch ? undefined : metadataOf(args.metric, client, ctx),
      client.call<string[]>('labels', window, ctx),
      client.call<QueryData>(
        'query',
        [
          ['query', `count(${selector})`],
          ['time', formatSeconds(end)],
          ...samplesThresholds(resolved.source, ctx.config.samplesThresholds).params,
        ],
        ctx,
      ),
    ]);
    // A name the index gives goes into a path: `.` and `..` would change it (a UTF-8 name is percent-encoded).
    const names = labelsAnswer.data.filter((name) => name !== '__name__' && name !== '.' && name !== '..').sort(compareText);
    const valueAnswers = await inBatches(names, 4, (name) => client.call<string[]>(`label/${encodeURIComponent(name)}/values`, window, ctx));
    const counts = new Map(names.map((name, i) => [name, valueAnswers[i]!.cut?.total ?? valueAnswers[i]!.data.length]));
    const typeValues = (name: string) => (names.includes(name) ? valueAnswers[names.indexOf(name)]!.data : []);
    const activeSeries = instantValue(now_.data);
    // In the index in the window (a recording rule's series may have __name__ alone), or written at its end.
    const exists = labelsAnswer.data.length > 0 || activeSeries !== undefined;
    // CloudWatch answers at most 10 discovery requests a second per account: fewer halvings there.
    const seen = exists ? await seenInWindow(client, ctx, selector, start, end, cloudWatch ? CLOUDWATCH_SEEN_HALVINGS : SEEN_HALVINGS) : {};
    const typed = metadata === undefined ? labelledType(typeValues('__type__'), typeValues('__temporality__')) : metadataFields(args.metric, metadata);
    const data = {
      metric: args.metric,
      ...typed,
      series: activeSeries ?? 0,
      // fromEntries defines own keys: a label named __proto__ stays a count.
      labels: Object.fromEntries(names.map((name) => [name, counts.get(name)!])),
      ...seen,
      window: { start, end },
    };

    // A list of values cut as it streamed in was still counted whole: only an upstream's own cut (CloudWatch's) leaves a count short.
    const notes = truncationNotes([labelsAnswer, ...valueAnswers].map(({ cut: _, ...answer }) => answer), 'pass a shorter window (start, end) for exact counts', 'items');
    const remarks: string[] = [];
    if (activeSeries === undefined && exists) remarks.push(`no series at end (${iso(end)}): series counts those with a sample in the 5 minutes before it`);
    if (cloudWatch && exists) {
      remarks.push(
        typed.type === undefined
          ? 'CloudWatch PromQL has no metadata (type, help, unit), and no series has a __type__ label'
          : "CloudWatch PromQL has no metadata: type is its series' __type__ label (no help or unit)",
      );
    } else if (typed.type === undefined && exists) remarks.push('Prometheus has no metadata (type, help, unit) for this metric');
    let hints: string[] = [];
    if (!exists) {
      // A name that does not exist (with similar ones that do), or when it was last seen.
      hints = await discoveryHints(client, ctx, { start, end }, [selector]);
      if (hints.length === 0) hints = [`metric '${args.metric}' has no samples between ${formatSeconds(start)} and ${formatSeconds(end)}`];
    }
    const answers = [...(metadata?.answers ?? []), labelsAnswer, ...valueAnswers, now_];
    return {
      data,
      count: activeSeries ?? 0,
      upstreamBytes: answers.reduce((sum, a) => sum + a.bytes, 0),
      ...(notes.length === 0 ? {} : { notes }),
      ...(remarks.length === 0 ? {} : { remarks }),
      ...(hints.length === 0 ? {} : { extra: { hints } }),
      ...warningsOfAll(answers),
    };
  },
});

/** `work` on each item, at most `size` at a time, in order. */
async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

/** The value of a one-series instant vector (count()'s), undefined when empty. */
function instantValue(data: QueryData): number | undefined {
  const series = Array.isArray(data.result) ? (data.result as { value: [number, string] }[]) : [];
  return series[0] === undefined ? undefined : Number(series[0].value[1]);
}

/** Halvings of the window the index is asked about: it places first and last seen to within a 256th of the window. */
const SEEN_HALVINGS = 8;
/** On CloudWatch (10 discovery requests a second per account), to within a 16th. */
const CLOUDWATCH_SEEN_HALVINGS = 4;

/**
 * When the metric was first and last seen in the window, from Prometheus' index (which
 * series exist in a time range: no samples read), by halving the window `halvings` times
 * from each side: to within window / 2^halvings where the index's blocks are that fine.
 * The index knows which blocks hold a series, not when in them its samples are: where a
 * block is longer than that (2 h on Prometheus, longer once compacted), first_seen may be
 * as early as the start of the block holding the first sample and last_seen as late as the
 * end of the block holding the last (the README says so).
 */
async function seenInWindow(
  client: PrometheusClient,
  ctx: OperationContext,
  selector: string,
  start: number,
  end: number,
  halvings: number,
): Promise<{ first_seen?: number; last_seen?: number; seen_precision?: number }> {
  const present = async (from: number, to: number) =>
    (
      await client.call<string[]>(
        'label/__name__/values',
        [
          ['match[]', selector],
          ['start', formatSeconds(from)],
          ['end', formatSeconds(to)],
        ],
        ctx,
      )
    ).data.length > 0;
  // The earliest time with data: halve [lo, hi] keeping the half whose first part has it.
  let [lo, hi] = [start, end];
  for (let i = 0; i < halvings; i++) {
    const mid = (lo + hi) / 2;
    if (await present(lo, mid)) hi = mid;
    else lo = mid;
  }
  const firstSeen = lo;
  [lo, hi] = [firstSeen, end];
  for (let i = 0; i < halvings; i++) {
    const mid = (lo + hi) / 2;
    if (await present(mid, hi)) lo = mid;
    else hi = mid;
  }
  return { first_seen: Math.round(firstSeen), last_seen: Math.min(Math.round(hi), Math.floor(end)), seen_precision: Math.ceil((end - start) / 2 ** halvings) };
}

/**
 * The metric's metadata: its own, else its family's (`foo` for `foo_bucket`, `foo_count`,
 * `foo_sum`; `foo` for an OpenMetrics counter `foo_total`).
 */
async function metadataOf(
  metric: string,
  client: PrometheusClient,
  ctx: OperationContext,
): Promise<{ entry?: MetricMetadata; family: string; answers: PrometheusAnswer[] }> {
  const answer = await client.call<Record<string, MetricMetadata[]>>('metadata', [['metric', metric]], ctx);
  const own = answer.data[metric]?.[0];
  const suffix = FAMILY_SUFFIXES.find((s) => metric.endsWith(s) && metric.length > s.length);
  if (own !== undefined || suffix === undefined) return { entry: own, family: metric, answers: [answer] };
  const family = metric.slice(0, -suffix.length);
  const familyAnswer = await client.call<Record<string, MetricMetadata[]>>('metadata', [['metric', family]], ctx);
  return { entry: familyAnswer.data[family]?.[0], family, answers: [answer, familyAnswer] };
}

/**
 * The type CloudWatch gives a metric's series (`__type__`, and `__temporality__` for sums
 * and histograms), each value once: a name that two sources share may have several.
 */
function labelledType(types: readonly string[], temporalities: readonly string[]): TypeFields {
  const type = [...types].sort(compareText).join(', ');
  const temporality = [...temporalities].sort(compareText).join(', ');
  return type === '' ? {} : { type, ...(temporality === '' ? {} : { temporality }) };
}

/** Prometheus' metadata of the metric, and the family it is recorded under when not the metric itself. */
function metadataFields(metric: string, { entry, family }: { entry?: MetricMetadata; family: string }): TypeFields {
  if (entry === undefined) return {};
  return { type: entry.type, help: entry.help, unit: entry.unit, ...(family === metric ? {} : { family }) };
}

/** Every answer's warnings and infos, each once. */
function warningsOfAll(answers: PrometheusAnswer[]): { warnings?: string[]; infos?: string[] } {
  const warnings = [...new Set(answers.flatMap((a) => a.warnings ?? []))];
  const infos = [...new Set(answers.flatMap((a) => a.infos ?? []))];
  return { ...(warnings.length === 0 ? {} : { warnings }), ...(infos.length === 0 ? {} : { infos }) };
}
