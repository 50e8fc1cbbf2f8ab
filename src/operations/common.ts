import type { Config } from '../shared/config';
import { PrometheusApiError } from '../shared/errors';
import { PrometheusClient, type PrometheusAnswer } from '../shared/prometheus-client';
import { explainPromQL } from '../shared/promql';
import { resolveTarget, type ResolvedTarget } from '../shared/workspace';
import type { OperationContext, OperationResult } from './types';

/** Helpers the operations share: the client for a request's target, answers turned into results. */

export async function clientFor(args: { workspace_id?: string; region?: string }, ctx: OperationContext): Promise<PrometheusClient> {
  return cachedClient(await resolveTarget(args, ctx.config, ctx.deadline), ctx.config);
}

// One client per endpoint, region, signing mode and service, for the container's life.
const clients = new Map<string, PrometheusClient>();

export function cachedClient(target: ResolvedTarget, config: Config): PrometheusClient {
  const key = `${target.baseUrl.href} ${target.region} ${target.sigv4} ${target.service}`;
  let client = clients.get(key);
  if (client === undefined) {
    client = new PrometheusClient(target, config);
    clients.set(key, client);
  }
  return client;
}

export function warningsOf(answer: PrometheusAnswer): Pick<OperationResult, 'warnings' | 'infos'> {
  return {
    ...(answer.warnings === undefined ? {} : { warnings: answer.warnings }),
    ...(answer.infos === undefined ? {} : { infos: answer.infos }),
  };
}

/**
 * The notes that flag an answer truncated where the upstream cut it itself (CloudWatch, at
 * its limits, answers 200 with a warning), or where it was larger than the function reads
 * at once and was cut while it streamed in: never a silent cut.
 */
export function truncationNotes(answers: readonly PrometheusAnswer[], narrow: string, unit = 'series'): string[] {
  return [
    ...new Set(
      answers.flatMap((a) => [
        ...(a.truncation === undefined ? [] : [`CloudWatch cut the answer at its limit (${a.truncation}): ${narrow}`]),
        ...(a.cut === undefined
          ? []
          : [
              `Prometheus answered ${a.cut.total.toLocaleString('en-US')} ${unit} (${megabytes(a.bytes)}), more than the function reads at once: ` +
                `kept the first ${a.cut.kept.toLocaleString('en-US')} whole; ${narrow}`,
            ]),
      ]),
    ),
  ];
}

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1000)} KB`;
}

/** Adds, to Prometheus' refusal of a query, where Prometheus' grammar says it breaks. */
export async function explained<T>(query: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof PrometheusApiError) || error.type !== 'bad_data') throw error;
    const explanation = await explainPromQL(query).catch(() => undefined);
    if (explanation === undefined) throw error;
    throw new PrometheusApiError(error.type, `${error.message} (PromQL grammar: ${explanation})`, error.upstreamStatus, error.warnings);
  }
}

/** A sorted list cut to `limit`, with the flag and note list_metrics set the pattern for. */
export function limitedList<T>(
  all: T[],
  limit: number | undefined,
  unit: string,
  narrow: string,
  /** The items the upstream had, where its answer was cut as it was read (`PrometheusAnswer.cut`): more than `all`. */
  upstreamTotal = all.length,
): { items: T[]; total: number; truncated: boolean; notes: string[] } {
  const items = limit === undefined ? all : all.slice(0, limit);
  const cutByLimit = items.length < all.length;
  return {
    items,
    total: upstreamTotal,
    truncated: items.length < upstreamTotal,
    notes: cutByLimit ? [`returned the first ${items.length} of ${upstreamTotal} ${unit} (limit); raise limit or ${narrow}`] : [],
  };
}

/** Code-point order, as Prometheus sorts names: the same on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function nowSeconds(): number {
  return Date.now() / 1000;
}

/**
 * AMP bills by samples processed: its thresholds go with every query to AMP (a self-managed
 * Prometheus does not know them, CloudWatch does not take them), the lower of the
 * deployment's and the caller's, with a remark where the caller asked for more.
 */
export function samplesThresholds(
  source: string,
  configured: { warning?: number; error?: number },
  requested: { max_samples_processed_warning_threshold?: number; max_samples_processed_error_threshold?: number } = {},
): { params: [string, string][]; remarks: string[] } {
  const params: [string, string][] = [];
  const remarks: string[] = [];
  if (source !== 'DescribeWorkspace') return { params, remarks };
  for (const which of ['warning', 'error'] as const) {
    const name = `max_samples_processed_${which}_threshold` as const;
    const value = lowest(configured[which], requested[name]);
    if (value !== undefined) params.push([name, String(value)]);
    if (requested[name] !== undefined && value !== requested[name]) {
      remarks.push(`${name} ${requested[name]} is above the deployment's ${value}: ${value} was used`);
    }
  }
  return { params, remarks };
}

function lowest(configured: number | undefined, requested: number | undefined): number | undefined {
  if (configured === undefined) return requested;
  return requested === undefined ? configured : Math.min(configured, requested);
}
