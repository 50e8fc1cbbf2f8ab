import { ValidationError } from '../shared/errors';
import { assertValidPromQL } from '../shared/promql';
import type { QueryData } from '../shared/result-size';
import { Integer, MAX_POINTS_PER_SERIES, MAX_RESOLUTION, Optional, TNumber, TObject, TString, Union, Unknown, maxSeries, output, promql, target, time } from '../shared/schemas';
import { formatSeconds, parseStep, parseTime } from '../shared/time';
import { clientFor, explained, fromAnswer, nowSeconds } from './common';
import { defineOperation } from './types';

export const rangeQuery = defineOperation({
  name: 'range_query',
  description:
    'Run a PromQL range query: the values of each matching series from `start` to `end`, one point every `step`. ' +
    'Use it for trends, comparisons over time and graphs. ' +
    'Example: {"query": "rate(node_cpu_seconds_total{mode=\\"system\\"}[5m])", "start": "now-1h", "end": "now", "step": "5m"}. ' +
    `At most ${MAX_POINTS_PER_SERIES} points per series: choose step >= (end - start) / ${MAX_RESOLUTION}; ` +
    'a step near (end - start) / 200 is usually enough. Values are strings, timestamps Unix seconds. ' +
    'Use max_series and max_points to keep the answer small; a cut answer says so in `truncated` and `note`.',
  args: TObject(
    {
      ...target,
      query: promql,
      start: time('Start of the range.'),
      end: time('End of the range; not before start.'),
      step: Union([TString({ minLength: 1, maxLength: 32 }), TNumber()], {
        description: `Resolution: a Prometheus duration (30s, 5m, 1h) or seconds, at least 1ms. (end - start) / step may not exceed ${MAX_RESOLUTION} (Prometheus' limit of ${MAX_POINTS_PER_SERIES} points per series).`,
      }),
      max_series: Optional(maxSeries),
      max_points: Optional(
        Integer({
          minimum: 1,
          maximum: MAX_POINTS_PER_SERIES,
          description: `Keep at most this many of the most recent points of each series (1 to ${MAX_POINTS_PER_SERIES}); the answer says when points were left out. A larger step is usually the better way to see a whole range.`,
        }),
      ),
    },
    { additionalProperties: false },
  ),
  output: output(
    { resultType: TString(), result: Unknown() },
    "Prometheus' own query data: resultType matrix and result, one entry per series.",
  ),
  actions: ['aps:QueryMetrics'],
  async run(args, ctx) {
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
        `the range would return ${points} points per series, more than Prometheus' limit of ${MAX_POINTS_PER_SERIES}: ` +
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
  },
});
