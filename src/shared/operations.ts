import type { Config } from './config';
import { AppError, PrometheusApiError, ValidationError } from './errors';
import { PrometheusClient, type CallOptions, type PrometheusAnswer } from './prometheus-client';
import { assertValidPromQL, explainPromQL } from './promql';
import {
  MAX_RESOLUTION,
  type ArgsByOperation,
  type ListMetricsArgs,
  type Operation,
  type QueryArgs,
  type RangeQueryArgs,
  type ServerInfoArgs,
} from './schemas';
import { applyLimits, type QueryData } from './result-size';
import { formatSeconds, parseStep, parseTime } from './time';
import { resolveTarget, type ResolvedTarget } from './workspace';

/** What an operation hands back to the handler's edge. */
export interface OperationResult {
  data: unknown;
  warnings?: string[];
  infos?: string[];
  /** What a limit left out, one note per cut. */
  notes?: string[];
  /** Series (or metric names) returned, for the SeriesReturned metric. */
  count: number;
  /** Size of what Prometheus sent, to tell a small answer without measuring it. */
  upstreamBytes: number;
}

export interface OperationContext extends CallOptions {
  config: Config;
}

type Implementation<O extends Operation> = (args: ArgsByOperation[O], ctx: OperationContext) => Promise<OperationResult>;

/** Runs one operation on already validated arguments. */
export function execute<O extends Operation>(
  operation: O,
  args: ArgsByOperation[O],
  ctx: OperationContext,
): Promise<OperationResult> {
  return (IMPLEMENTATIONS[operation] as Implementation<O>)(args, ctx);
}

const IMPLEMENTATIONS: { [O in Operation]: Implementation<O> } = {
  query: runQuery,
  range_query: runRangeQuery,
  list_metrics: listMetrics,
  server_info: serverInfo,
};

async function runQuery(args: QueryArgs, ctx: OperationContext): Promise<OperationResult> {
  assertValidPromQL('query', args.query);
  const params: [string, string][] = [['query', args.query]];
  if (args.time !== undefined) params.push(['time', formatSeconds(parseTime('time', args.time, nowSeconds()))]);
  const client = await clientFor(args, ctx);
  const answer = await explained(args.query, client.call<QueryData>('query', params, ctx));
  return fromAnswer(answer, { maxSeries: args.max_series });
}

async function runRangeQuery(args: RangeQueryArgs, ctx: OperationContext): Promise<OperationResult> {
  assertValidPromQL('query', args.query);
  const now = nowSeconds();
  const start = parseTime('start', args.start, now);
  const end = parseTime('end', args.end, now);
  const step = parseStep('step', args.step);
  if (end < start) {
    throw new ValidationError(`field 'end' (${formatSeconds(end)}) is before field 'start' (${formatSeconds(start)})`);
  }
  // Prometheus' own rule: (end - start) / step may not exceed 11,000 (so 11,001 points pass).
  if ((end - start) / step > MAX_RESOLUTION) {
    const points = Math.floor((end - start) / step) + 1;
    const exact = (end - start) / MAX_RESOLUTION;
    const minStep = exact >= 1 ? Math.ceil(exact) : Math.ceil(exact * 1000) / 1000;
    throw new ValidationError(
      `the range would return ${points} points per series, more than Prometheus' limit of ${MAX_RESOLUTION + 1}: ` +
        `use a step of at least ${minStep}s or a shorter range`,
    );
  }
  const client = await clientFor(args, ctx);
  const params: [string, string][] = [
    ['query', args.query],
    ['start', formatSeconds(start)],
    ['end', formatSeconds(end)],
    ['step', formatSeconds(step)],
  ];
  return fromAnswer(await explained(args.query, client.call<QueryData>('query_range', params, ctx)), {
    maxSeries: args.max_series,
    maxPoints: args.max_points,
  });
}

interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}

async function listMetrics(args: ListMetricsArgs, ctx: OperationContext): Promise<OperationResult> {
  if (args.match !== undefined) assertValidPromQL('match', args.match);
  const client = await clientFor(args, ctx);
  const params: [string, string][] = args.match === undefined ? [] : [['match[]', args.match]];
  const answer = await client.call<string[]>('label/__name__/values', params, ctx);
  const all = [...answer.data].sort();
  const metrics = args.limit === undefined ? all : all.slice(0, args.limit);
  const data: Record<string, unknown> = { metrics, total: all.length, truncated: metrics.length < all.length };
  const notes =
    metrics.length < all.length
      ? [`returned the first ${metrics.length} of ${all.length} metric names (limit); raise limit or narrow with match`]
      : [];
  let upstreamBytes = answer.bytes;

  if (args.include_metadata === true) {
    const metadata = await client.call<Record<string, MetricMetadata[]>>('metadata', [], ctx);
    upstreamBytes += metadata.bytes;
    data.metadata = Object.fromEntries(
      metrics.flatMap((name) => {
        const entry = metadata.data[name]?.[0];
        return entry === undefined ? [] : [[name, { type: entry.type, help: entry.help, unit: entry.unit }]];
      }),
    );
  }
  return { data, count: metrics.length, upstreamBytes, ...(notes.length === 0 ? {} : { notes }), ...warningsOf(answer) };
}

async function serverInfo(args: ServerInfoArgs, ctx: OperationContext): Promise<OperationResult> {
  const target = await resolveTarget(args, ctx.config, ctx.deadline);
  const client = cachedClient(target, ctx.config);

  const started = performance.now();
  let reachability: Record<string, unknown>;
  try {
    await client.call('query', [['query', 'vector(1)']], ctx);
    reachability = { reachable: true, latency_ms: elapsed(started) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    reachability = {
      reachable: false,
      latency_ms: elapsed(started),
      error: { type: error.type, message: error.message },
    };
  }

  const data: Record<string, unknown> = {
    workspace: target.workspace ?? null,
    region: target.region,
    query_endpoint: target.baseUrl.href,
    source: target.source,
    reachability,
  };
  // A self-managed Prometheus reports its version; AMP has no such endpoint.
  if (target.source === 'PROMETHEUS_URL' && reachability.reachable === true) {
    try {
      data.build_info = (await client.call('status/buildinfo', [], ctx)).data;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  return { data, count: 0, upstreamBytes: 0 };
}

async function clientFor(
  args: { workspace_id?: string; region?: string },
  ctx: OperationContext,
): Promise<PrometheusClient> {
  return cachedClient(await resolveTarget(args, ctx.config, ctx.deadline), ctx.config);
}

// One client per endpoint, region and signing mode, for the container's life.
const clients = new Map<string, PrometheusClient>();

function cachedClient(target: ResolvedTarget, config: Config): PrometheusClient {
  const key = `${target.baseUrl.href} ${target.region} ${target.sigv4}`;
  let client = clients.get(key);
  if (client === undefined) {
    client = new PrometheusClient(target, config);
    clients.set(key, client);
  }
  return client;
}

function fromAnswer(answer: PrometheusAnswer<QueryData>, limits: { maxSeries?: number; maxPoints?: number }): OperationResult {
  const { data, notes } = applyLimits(answer.data, limits);
  return {
    data,
    count: Array.isArray(data.result) ? data.result.length : 1,
    upstreamBytes: answer.bytes,
    ...(notes.length === 0 ? {} : { notes }),
    ...warningsOf(answer),
  };
}

/** Adds, to Prometheus' refusal of a query, where Prometheus' grammar says it breaks. */
async function explained<T>(query: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof PrometheusApiError) || error.type !== 'bad_data') throw error;
    const explanation = await explainPromQL(query).catch(() => undefined);
    if (explanation === undefined) throw error;
    throw new PrometheusApiError(
      error.type,
      `${error.message} (PromQL grammar: ${explanation})`,
      error.upstreamStatus,
      error.warnings,
    );
  }
}

function warningsOf(answer: PrometheusAnswer): Pick<OperationResult, 'warnings' | 'infos'> {
  return {
    ...(answer.warnings === undefined ? {} : { warnings: answer.warnings }),
    ...(answer.infos === undefined ? {} : { infos: answer.infos }),
  };
}

function nowSeconds(): number {
  return Date.now() / 1000;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
