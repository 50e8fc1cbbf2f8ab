import { ValidationError } from '../shared/errors';
import { Integer, MAX_POINTS_PER_SERIES, MAX_RESOLUTION, Optional, TNumber, TObject, TString, Union, Unknown, maxSeries, output, promql, target, time } from '../shared/schemas';
import { assertOrdered, formatSeconds, parseStep, parseTime } from '../shared/time';
import { nowSeconds } from './common';
import { assertQuery, formatArg, guardrailArgs, precisionArg, runPromQL } from './promql-call';
import { HINT_CALLS } from './hints';
import { defineOperation } from './types';

/**
 * Steps in the range when the caller gives no step (points per series: one more): for a
 * model (a tool call) enough to see a trend, an hour at a minute's step; for a direct
 * invocation a chart's, about 250 points.
 */
const DEFAULT_STEPS = { toolCall: 60, direct: 249 };

export const rangeQuery = defineOperation({
  name: 'range_query',
  description:
    'PromQL range query: the values of each matching series from `start` to `end`, one point every `step`, for trends ' +
    'and comparisons over time. Example: {"query": "rate(node_cpu_seconds_total[5m])", "start": "1h"}. ' +
    `Without step, about ${DEFAULT_STEPS.toolCall} points (the answer's \`step\`).`,
  args: TObject(
    {
      ...target,
      query: promql,
      start: time('Start of the range.'),
      end: Optional(time('End of the range; default now.')),
      step: Optional(
        Union([TString({ minLength: 1, maxLength: 32 }), TNumber()], {
          description: `A duration (30s, 5m) or seconds; at most ${MAX_RESOLUTION} steps in the range.`,
        }),
      ),
      max_series: Optional(maxSeries),
      max_points: Optional(
        Integer({
          minimum: 1,
          maximum: MAX_POINTS_PER_SERIES,
          description: 'Keep the last N points per series.',
        }),
      ),
      format: Optional(formatArg),
      precision: Optional(precisionArg),
      ...guardrailArgs,
    },
    { additionalProperties: false },
  ),
  output: output({ resultType: TString(), result: Unknown() }, "Prometheus' query data (resultType matrix and result), or its compact or summary form."),
  calls: ['query_range', 'DescribeWorkspace', ...HINT_CALLS],
  async run(args, ctx) {
    assertQuery(args.query);
    const now = nowSeconds();
    const start = parseTime('start', args.start, now);
    const end = args.end === undefined ? now : parseTime('end', args.end, now);
    assertOrdered(start, end);
    const step = args.step === undefined ? defaultStep(end - start, DEFAULT_STEPS[ctx.toolCall ? 'toolCall' : 'direct']) : parseStep('step', args.step);
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
    const params: [string, string][] = [
      ['query', args.query],
      ['start', formatSeconds(start)],
      ['end', formatSeconds(end)],
      ['step', formatSeconds(step)],
    ];
    const result = await runPromQL({ args, endpoint: 'query_range', params, start, step }, ctx);
    // The step chosen for the caller is stated, so the answer can be read (and asked again).
    return args.step === undefined ? { ...result, extra: { ...result.extra, step } } : result;
  },
});

/** A step dividing the range into about `steps`: whole seconds from a second up, milliseconds below. */
function defaultStep(range: number, steps: number): number {
  const exact = range / steps;
  if (exact >= 1) return Math.ceil(exact);
  return Math.max(0.001, Math.ceil(exact * 1000) / 1000);
}
