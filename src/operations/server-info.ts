import { AppError } from '../shared/errors';
import { Optional, TObject, TString, Unknown, output, target } from '../shared/schemas';
import { resolveTarget } from '../shared/workspace';
import { cachedClient } from './common';
import { defineOperation } from './types';

/**
 * What reachability asks CloudWatch: a query must select a metric by name there, so
 * `vector(1)` cannot; a name no one writes costs CloudWatch the least, and its empty answer
 * proves the endpoint, the signature and the role's query actions (GetMetricData,
 * ListMetrics) alike.
 */
export const CLOUDWATCH_CHECK_QUERY = 'prometheus_tools_reachability_check';
const CLOUDWATCH_SERVES =
  'CloudWatch PromQL serves query and discover; not rules, alerts or metadata ' +
  '(alerts and include_metadata answer not_supported)';

export const serverInfo = defineOperation({
  name: 'server_info',
  description:
    'The Prometheus queried (workspace, region, endpoint) and whether it answers now, with latency. Use it when ' +
    'calls fail. Example: {}.',
  args: TObject({ ...target }, { additionalProperties: false }),
  output: output(
    { workspace: Unknown(), region: Optional(TString()), query_endpoint: TString(), source: TString(), reachability: Unknown() },
    'The workspace (null with PROMETHEUS_URL or CloudWatch), region, query endpoint, source (DescribeWorkspace, PROMETHEUS_URL or CloudWatch) and reachability.',
  ),
  calls: ['query', 'status/buildinfo', 'DescribeWorkspace'],
  async run(args, ctx) {
    const resolved = await resolveTarget(args, ctx.config, ctx.deadline);
    const client = cachedClient(resolved, ctx.config);

    const cloudWatch = resolved.source === 'CloudWatch';
    const started = performance.now();
    let reachability: Record<string, unknown>;
    try {
      await client.call('query', [['query', cloudWatch ? CLOUDWATCH_CHECK_QUERY : 'vector(1)']], ctx);
      reachability = { reachable: true, latency_ms: elapsed(started) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      reachability = { reachable: false, latency_ms: elapsed(started), error: { type: error.type, message: error.message } };
    }

    const data: Record<string, unknown> = {
      workspace: resolved.workspace ?? null,
      // No region with a Prometheus that nothing is signed for.
      ...(resolved.region === '' ? {} : { region: resolved.region }),
      query_endpoint: resolved.baseUrl.href,
      source: resolved.source,
      reachability,
    };
    // A self-managed Prometheus reports its version; AMP has no such endpoint.
    if (resolved.source === 'PROMETHEUS_URL' && reachability.reachable === true) {
      try {
        data.build_info = (await client.call('status/buildinfo', [], ctx)).data;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
    }
    return { data, count: 0, upstreamBytes: 0, ...(cloudWatch ? { remarks: [CLOUDWATCH_SERVES] } : {}) };
  },
});

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
