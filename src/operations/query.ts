import { maxSeries, Optional, output, promql, target, time, TObject, TString, Unknown } from '../shared/schemas';
import { formatSeconds, parseTime } from '../shared/time';
import { nowSeconds } from './common';
import { assertQuery, formatArg, guardrailArgs, precisionArg, runPromQL } from './promql-call';
import { HINT_CALLS } from './hints';
import { defineOperation } from './types';

export const query = defineOperation({
  name: 'query',
  description:
    'Instant PromQL query: the value of each matching series at one moment (now, or `time`), for current values, ' +
    'counts, rates (per second) and top-k; range_query for trends. Example: {"query": "sum by (job) (rate(http_requests_total[5m]))"}.',
  args: TObject(
    {
      ...target,
      query: promql,
      time: Optional(time('Evaluation time; default now.')),
      max_series: Optional(maxSeries),
      format: Optional(formatArg),
      precision: Optional(precisionArg),
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
