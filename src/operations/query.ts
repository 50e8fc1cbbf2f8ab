import { maxSeries, Optional, output, promql, target, time, TObject, TString, Unknown } from '../shared/schemas';
import { formatSeconds, parseTime } from '../shared/time';
import { nowSeconds } from './common';
import { assertQuery, formatArg, guardrailArgs, runPromQL } from './promql-call';
import { HINT_CALLS } from './hints';
import { defineOperation } from './types';

export const query = defineOperation({
  name: 'query',
  description:
    'Run an instant PromQL query: the value of each matching series at one moment (now, or `time`). ' +
    'Use it for current values, counts, rates and top-k questions; use range_query for trends over time. ' +
    'Workflow: list_metrics to find the metric, list_labels and label_values to find the right label values, then query. ' +
    'Example: {"query": "sum by (job) (rate(http_requests_total[5m]))"}. ' +
    "Answers Prometheus' {resultType, result}: each series has its labels and [Unix seconds, \"value as a string\"]; " +
    'rates are per second. format: "compact" is smaller and lossless, "summary" gives min/max/avg. ' +
    'An empty answer comes with `hints` (metric names or label values that do not exist, and similar ones that do). ' +
    'A cut answer says so in `truncated` and `note`; errors come back as {status: "error", error: {type, message}} saying what to fix.',
  args: TObject(
    {
      ...target,
      query: promql,
      time: Optional(time('Evaluation time; defaults to now.')),
      max_series: Optional(maxSeries),
      format: Optional(formatArg),
      ...guardrailArgs,
    },
    { additionalProperties: false },
  ),
  output: output({ resultType: TString(), result: Unknown() }, "Prometheus' query data (resultType and result), or its compact or summary form."),
  calls: ['query', 'DescribeWorkspace', ...HINT_CALLS],
  async run(args, ctx) {
    assertQuery(args.query);
    const params: [string, string][] = [['query', args.query]];
    if (args.time !== undefined) params.push(['time', formatSeconds(parseTime('time', args.time, nowSeconds()))]);
    return runPromQL({ args, endpoint: 'query', params }, ctx);
  },
});
