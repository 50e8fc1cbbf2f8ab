import type { PrometheusAnswer, PrometheusClient } from '../shared/prometheus-client';
import type { QueryData } from '../shared/result-size';
import { Integer, Optional, TNumber, TObject, TString, output, target, time } from '../shared/schemas';
import { assertOrdered, formatSeconds, parseTime } from '../shared/time';
import { resolveTarget } from '../shared/workspace';
import { cachedClient, compareText, nowSeconds, samplesThresholds, truncationNotes } from './common';
import { discoveryHints, HINT_CALLS } from './hints';
import { defineOperation, type OperationContext } from './types';

/**
 * A metric name alone, UTF-8 ones included (`http.server.active_requests`, CloudWatch's
 * `4XXError`): it is only ever sent quoted. Braces and quotes mean a selector was passed.
 */
export const METRIC_NAME_PATTERN = '^[^{}"]+$';
/** The window without `start`: a day before `end`. */
export const DEFAULT_WINDOW_SECONDS = 24 * 3600;
/** Series read at most for the label counts: a metric of more is counted on these, and said to be cut. */
export const MAX_SERIES_READ = 10_000;
/** Steps of the first/last-seen query over the window, whatever its length: its cost stays that of a small range query. */
const SEEN_POINTS = 250;
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
    "One metric: type, help, unit, series count, each label's number of values, first and last seen. " +
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
      series: Integer({ description: 'Series with samples in the window (at most 10,000 read).' }),
      labels: TObject({}, { description: 'Label name → number of distinct values in those series, sorted by name; __name__ left out.' }),
      first_seen: Optional(TNumber({ description: 'Unix seconds of the first sample seen in the window, to within window.step.' })),
      last_seen: Optional(TNumber({ description: 'Unix seconds of the last sample seen in the window, to within window.step.' })),
      window: TObject(
        { start: TNumber(), end: TNumber(), step: TNumber() },
        { description: 'The window read (Unix seconds) and the step first_seen and last_seen were looked for at.' },
      ),
    },
    "The metric's metadata, labels and when it was seen in the window.",
  ),
  calls: ['metadata', 'series', 'query_range', 'DescribeWorkspace', ...HINT_CALLS],
  async run(args, ctx) {
    const now = nowSeconds();
    const end = args.end === undefined ? now : parseTime('end', args.end, now);
    const start = args.start === undefined ? end - DEFAULT_WINDOW_SECONDS : parseTime('start', args.start, now);
    assertOrdered(start, end);
    // The steps end at `end` exactly, so a metric still written is seen at its latest sample.
    const step = Math.max(1, Math.ceil((end - start) / (SEEN_POINTS - 1)));
    const firstStep = end - Math.floor((end - start) / step) * step;
    // `{__name__="…"}` selects any metric name, keywords (`on`, `sum`) included.
    const selector = `{__name__=${JSON.stringify(args.metric)}}`;

    const resolved = await resolveTarget(args, ctx.config, ctx.deadline);
    const client = cachedClient(resolved, ctx.config);
    // CloudWatch has no metadata API: the type is its series' __type__ label.
    const cloudWatch = resolved.source === 'CloudWatch';
    const window: [string, string][] = [
      ['start', formatSeconds(start)],
      ['end', formatSeconds(end)],
    ];
    // timestamp() at each step is the latest sample's time (timestamp(last_over_time(…)) would be the step's):
    // the least at the first step the metric is seen, the greatest at the last.
    const seen = (aggregation: string, name: string) => `label_replace(${aggregation}(timestamp(${selector})), "seen", "${name}", "", "")`;
    const seenParams: [string, string][] = [
      ['query', `${seen('min', 'first')} or ${seen('max', 'last')}`],
      ['start', formatSeconds(firstStep)],
      ['end', formatSeconds(end)],
      ['step', String(step)],
      ...samplesThresholds(resolved.source, ctx.config.samplesThresholds).params,
    ];
    const [metadata, seriesAnswer, seenAnswer] = await Promise.all([
      cloudWatch ? undefined : metadataOf(args.metric, client, ctx),
      // Only the parameters AMP's GetSeries documents (match[], start, end): no `limit`; the cut below applies.
      client.call<Record<string, string>[]>('series', [['match[]', selector], ...window], ctx),
      client.call<QueryData>('query_range', seenParams, ctx),
    ]);

    const all = seriesAnswer.data;
    const read = all.slice(0, MAX_SERIES_READ);
    const labels = new Map<string, Set<string>>();
    for (const series of read) {
      for (const [name, value] of Object.entries(series)) {
        if (name === '__name__') continue;
        let values = labels.get(name);
        if (values === undefined) labels.set(name, (values = new Set()));
        values.add(value);
      }
    }
    const { first, last, fromFirstStep } = seenTimes(seenAnswer.data, firstStep);
    const typed = metadata === undefined ? labelledType(labels) : metadataFields(args.metric, metadata);
    const data = {
      metric: args.metric,
      ...typed,
      series: read.length,
      // fromEntries defines own keys: a label named __proto__ stays a count.
      labels: Object.fromEntries([...labels].sort(([a], [b]) => compareText(a, b)).map(([name, values]) => [name, values.size])),
      ...(first === undefined ? {} : { first_seen: first }),
      ...(last === undefined ? {} : { last_seen: last }),
      window: { start, end, step },
    };

    const notes = [
      ...(all.length > MAX_SERIES_READ
        ? [`counted the labels of the first ${MAX_SERIES_READ} series: the metric has more in the window; pass a shorter window (start, end) for exact counts`]
        : []),
      ...truncationNotes([seriesAnswer, seenAnswer], 'pass a shorter window (start, end) for exact counts'),
    ];
    const remarks: string[] = [];
    if (fromFirstStep) remarks.push('seen from the start of the window: it may be older (pass an earlier start)');
    if (cloudWatch && read.length > 0) {
      remarks.push(
        typed.type === undefined
          ? 'CloudWatch PromQL has no metadata (type, help, unit), and no series has a __type__ label'
          : "CloudWatch PromQL has no metadata: type is its series' __type__ label (no help or unit)",
      );
    } else if (typed.type === undefined && read.length > 0) remarks.push('Prometheus has no metadata (type, help, unit) for this metric');
    let hints: string[] = [];
    if (read.length === 0 && first === undefined) {
      // A name that does not exist (with similar ones that do), or when it was last seen.
      hints = await discoveryHints(client, ctx, { start, end }, [selector]);
      if (hints.length === 0) hints = [`metric '${args.metric}' has no samples between ${formatSeconds(start)} and ${formatSeconds(end)}`];
    }
    const answers = [...(metadata?.answers ?? []), seriesAnswer, seenAnswer];
    return {
      data,
      count: read.length,
      upstreamBytes: answers.reduce((sum, a) => sum + a.bytes, 0),
      ...(notes.length === 0 ? {} : { notes }),
      ...(remarks.length === 0 ? {} : { remarks }),
      ...(hints.length === 0 ? {} : { extra: { hints } }),
      ...warningsOfAll(answers),
    };
  },
});

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
function labelledType(labels: ReadonlyMap<string, ReadonlySet<string>>): TypeFields {
  const values = (name: string) => [...(labels.get(name) ?? [])].sort(compareText).join(', ');
  const type = values('__type__');
  const temporality = values('__temporality__');
  return type === '' ? {} : { type, ...(temporality === '' ? {} : { temporality }) };
}

/** Prometheus' metadata of the metric, and the family it is recorded under when not the metric itself. */
function metadataFields(metric: string, { entry, family }: { entry?: MetricMetadata; family: string }): TypeFields {
  if (entry === undefined) return {};
  return { type: entry.type, help: entry.help, unit: entry.unit, ...(family === metric ? {} : { family }) };
}

/**
 * first_seen: the least of the `first` series' sample times (its first point, unless a slow
 * series says less later); last_seen: the greatest of the `last` series'. `fromFirstStep`:
 * the metric was there at the first step, so it may be older than the window.
 */
function seenTimes(data: QueryData, firstStep: number): { first?: number; last?: number; fromFirstStep: boolean } {
  const series = Array.isArray(data.result) ? (data.result as { metric: Record<string, string>; values: [number, string][] }[]) : [];
  const pointsOf = (name: string) => series.find((s) => s.metric.seen === name)?.values ?? [];
  const first = pointsOf('first').map(([, v]) => Number(v));
  const last = pointsOf('last').map(([, v]) => Number(v));
  const firstAt = pointsOf('first')[0]?.[0];
  return {
    ...(first.length === 0 ? {} : { first: Math.min(...first) }),
    ...(last.length === 0 ? {} : { last: Math.max(...last) }),
    fromFirstStep: firstAt !== undefined && Math.abs(firstAt - firstStep) < 0.001,
  };
}

/** Every answer's warnings and infos, each once. */
function warningsOfAll(answers: PrometheusAnswer[]): { warnings?: string[]; infos?: string[] } {
  const warnings = [...new Set(answers.flatMap((a) => a.warnings ?? []))];
  const infos = [...new Set(answers.flatMap((a) => a.infos ?? []))];
  return { ...(warnings.length === 0 ? {} : { warnings }), ...(infos.length === 0 ? {} : { infos }) };
}
