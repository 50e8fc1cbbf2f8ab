import type { QueryData } from '../shared/result-size';
import { Optional, TObject, TString, Unknown, maxSeries, output, promql, target, time } from '../shared/schemas';
import { assertValidPromQL } from '../shared/promql';
import { formatSeconds, parseTime } from '../shared/time';
import { clientFor, explained, fromAnswer, nowSeconds } from './common';
import { defineOperation } from './types';

export const query = defineOperation({
  name: 'query',
  description:
    'Run an instant PromQL query on Amazon Managed Service for Prometheus: the value of each matching series at one moment ' +
    '(now, or `time`). Use it for current values, counts, rates and top-k questions. ' +
    'Example: {"query": "sum by (job) (rate(http_requests_total[5m]))"}. ' +
    'Answers Prometheus\' own {resultType, result}: each series has its labels and [Unix seconds, "value as a string"]; ' +
    'units are those of the metric (rates are per second). Use max_series when a query may match many series; ' +
    'an answer that was cut says so in `truncated` and `note`. Errors come back as {status: "error", error: {type, message}} ' +
    'saying what to fix.',
  args: TObject(
    {
      ...target,
      query: promql,
      time: Optional(time('Evaluation time; defaults to now.')),
      max_series: Optional(maxSeries),
    },
    { additionalProperties: false },
  ),
  output: output(
    { resultType: TString(), result: Unknown() },
    "Prometheus' own query data: resultType (vector, matrix, scalar, string) and result.",
  ),
  actions: ['aps:QueryMetrics'],
  async run(args, ctx) {
    assertValidPromQL('query', args.query);
    const params: [string, string][] = [['query', args.query]];
    if (args.time !== undefined) params.push(['time', formatSeconds(parseTime('time', args.time, nowSeconds()))]);
    const client = await clientFor(args, ctx);
    const answer = await explained(args.query, client.call<QueryData>('query', params, ctx));
    return fromAnswer(answer, { maxSeries: args.max_series });
  },
});
