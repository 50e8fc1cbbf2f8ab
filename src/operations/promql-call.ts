import { MAX_QUERY_SERIES } from '../shared/cloudwatch';
import { PrometheusApiError, ValidationError } from '../shared/errors';
import { DEFAULT_PRECISION, formatData, FORMATS, LOSSLESS_PRECISION, precisionFor, type Format } from '../shared/formats';
import { assertValidPromQL, formatDuration, labelNameText } from '../shared/promql';
import { applyLimits, type QueryData } from '../shared/result-size';
import { Integer, Optional, TString } from '../shared/schemas';
import { resolveTarget } from '../shared/workspace';
import { cachedClient, compareText, explained, samplesThresholds, truncationNotes, warningsOf } from './common';
import { emptyResultHints } from './hints';
import type { OperationContext, OperationResult } from './types';

/**
 * What query and range_query share: the format of the answer, AMP's cost guardrails,
 * the limits, and hints when nothing matched.
 */

// The descriptions are read only by models, on tool calls, whose default is compact
// (a direct invocation's is prometheus).
export const formatArg = TString({
  pattern: `^(${FORMATS.join('|')})$`,
  description: 'Answer format; default compact.',
});

export const precisionArg = Integer({
  minimum: 1,
  maximum: LOSSLESS_PRECISION,
  description: `Default ${DEFAULT_PRECISION}; ${LOSSLESS_PRECISION}: exact.`,
});

const threshold = (which: string) =>
  Integer({
    minimum: 1,
    description: which === 'warning' ? 'AMP warns above this many samples processed.' : 'AMP refuses the query (unbilled) above this many samples processed.',
  });

export const guardrailArgs = {
  max_samples_processed_warning_threshold: Optional(threshold('warning')),
  max_samples_processed_error_threshold: Optional(threshold('error')),
};

export interface PromQLCall {
  args: {
    workspace_id?: string;
    region?: string;
    query: string;
    format?: string;
    precision?: number;
    max_series?: number;
    max_points?: number;
    max_samples_processed_warning_threshold?: number;
    max_samples_processed_error_threshold?: number;
  };
  endpoint: 'query' | 'query_range';
  params: [string, string][];
  /** range_query's start and step in seconds, for the compact format's timestamps and resampling. */
  start?: number;
  step?: number;
}

/**
 * How to ask for less, concretely: an aggregation of this very query, its top series, and
 * for a range a step that reads a quarter of the points.
 */
function narrowing(call: PromQLCall, data: QueryData): string {
  const query = call.args.query.trim();
  const step = call.step === undefined ? '' : `, or step ${formatDuration(call.step * 4)} instead of ${formatDuration(call.step)}`;
  return `ask for less: aggregate (sum by (${groupingLabel(data)}) (${query})), keep the largest (topk(10, ${query})), add matchers${step}`;
}

/**
 * A label to aggregate by, from the series read: the one with the fewest distinct values
 * (more than one) among them, so that `sum by` of it answers a few series; `job` when
 * none varies.
 */
function groupingLabel(data: QueryData): string {
  const values = new Map<string, Set<string>>();
  const series = Array.isArray(data.result) ? (data.result as { metric?: Record<string, string> }[]) : [];
  for (const { metric = {} } of series) {
    for (const [name, value] of Object.entries(metric)) {
      if (name === '__name__') continue;
      let seen = values.get(name);
      if (seen === undefined) values.set(name, (seen = new Set()));
      seen.add(value);
    }
  }
  const varying = [...values].filter(([, seen]) => seen.size > 1).sort(([a, x], [b, y]) => x.size - y.size || compareText(a, b));
  return varying.length === 0 ? 'job' : labelNameText(varying[0]![0]);
}

/** Prometheus' refusal of a query that would hold too many samples (its --query.max-samples). */
const TOO_MANY_SAMPLES = /too many samples/i;

/** A refusal for too many samples, with a concrete narrower query; any other error as it is. */
function narrowed(error: unknown, call: PromQLCall): unknown {
  if (!(error instanceof PrometheusApiError) || !TOO_MANY_SAMPLES.test(error.message)) return error;
  return new PrometheusApiError(error.type, `${error.message}: ${narrowing(call, { resultType: 'vector', result: [] })}`, error.upstreamStatus, error.warnings);
}

export function assertQuery(query: string): void {
  assertValidPromQL('query', query);
}

export async function runPromQL(call: PromQLCall, ctx: OperationContext): Promise<OperationResult> {
  const { args } = call;
  const target = await resolveTarget(args, ctx.config, ctx.deadline);
  const client = cachedClient(target, ctx.config);
  const remarks: string[] = [];
  const params = [...call.params];
  if (target.source === 'CloudWatch') {
    // max_series keeps the top N by latest value, so it needs every series: CloudWatch's
    // limit (which cuts at random) stays at its maximum, and max_series within it.
    if (args.max_series !== undefined && args.max_series > MAX_QUERY_SERIES) {
      throw new ValidationError(
        `max_series ${args.max_series} is more than CloudWatch's ${MAX_QUERY_SERIES} series per query: pass at most ` +
          `${MAX_QUERY_SERIES}, or aggregate (sum by (…)) to fewer series`,
      );
    }
    params.push(['limit', String(MAX_QUERY_SERIES)]);
    const thresholds = ['max_samples_processed_warning_threshold', 'max_samples_processed_error_threshold'] as const;
    const ignored = thresholds.filter((name) => args[name] !== undefined);
    if (ignored.length > 0) remarks.push(`${ignored.join(' and ')}: AMP's guardrails, which CloudWatch does not take, were not sent`);
  }
  const guardrails = samplesThresholds(target.source, ctx.config.samplesThresholds, args);
  params.push(...guardrails.params);
  remarks.push(...guardrails.remarks);

  const answer = await explained(args.query, client.call<QueryData>(call.endpoint, params, ctx)).catch((error: unknown) => {
    throw narrowed(error, call);
  });
  const limited = applyLimits(answer.data, { maxSeries: args.max_series, maxPoints: args.max_points });
  const notes = [
    ...truncationNotes([answer], narrowing(call, answer.data), 'series'),
    ...limited.notes,
    // max_series ranks what it sees: of a cut answer, the series kept.
    ...(answer.cut !== undefined && args.max_series !== undefined ? [`max_series ranked the ${answer.cut.kept.toLocaleString('en-US')} series kept`] : []),
  ];
  const count = Array.isArray(limited.data.result) ? limited.data.result.length : 1;
  // An answer cut to no whole series (each larger than the function holds) is not empty: no hints.
  const hints = count === 0 && Array.isArray(answer.data.result) && answer.cut === undefined ? await emptyResultHints(args.query, client, ctx, params) : [];
  // A model's answer is compact by default; a direct invocation's is Prometheus' own.
  const format = (args.format as Format | undefined) ?? (ctx.toolCall ? 'compact' : 'prometheus');
  // Exact values asked for (prometheus) stay exact in the summary an answer over budget degrades to.
  const precision = format === 'prometheus' ? undefined : precisionFor(args.precision);
  return {
    data: formatData(limited.data, format, call.step, precision),
    count,
    upstreamBytes: answer.bytes,
    ...(call.start === undefined || call.step === undefined ? {} : { range: { data: limited.data, format, precision, start: call.start, step: call.step } }),
    ...(notes.length === 0 ? {} : { notes }),
    ...(remarks.length === 0 ? {} : { remarks }),
    ...(hints.length === 0 ? {} : { extra: { hints } }),
    ...warningsOf(answer),
  };
}
