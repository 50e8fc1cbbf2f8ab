import { ValidationError } from '../shared/errors';
import { Integer, MAX_POINTS_PER_SERIES, MAX_RESOLUTION, Optional, TNumber, TObject, TString, Union, Unknown, maxSeries, output, promql, target, time } from '../shared/schemas';
import { assertOrdered, formatSeconds, parseStep, parseTime } from '../shared/time';
import { nowSeconds } from './common';
import { assertQuery, formatArg, guardrailArgs, runPromQL } from './promql-call';
import { HINT_CALLS } from './hints';
import { defineOperation } from './types';

/** Points per series when the caller gives no step. */
const DEFAULT_POINTS = 250;

export const rangeQuery = defineOperation({
  name: 'range_query',
  description:
    'Run a PromQL range query: the values of each matching series from `start` to `end` (default now), one point every `step`. ' +
    'Use it for trends, comparisons over time and graphs; use query for a single current value. ' +
    'Example: {"query": "rate(node_cpu_seconds_total{mode=\\"system\\"}[5m])", "start": "1h"}. ' +
    `Without step, about ${DEFAULT_POINTS} points are returned and the step used is in the answer's \`step\`. ` +
    `At most ${MAX_POINTS_PER_SERIES} points per series: step >= (end - start) / ${MAX_RESOLUTION}. ` +
    'Values are strings, timestamps Unix seconds. format: "compact" (lossless, about a third of the size) or "summary" ' +
    '(first, last, min, max, avg per series) keep the answer small, as do max_series and max_points. ' +
    'An empty answer comes with `hints`; a cut answer says so in `truncated` and `note`.',
  args: TObject(
    {
      ...target,
      query: promql,
      start: time('Start of the range.'),
      end: Optional(time('End of the range, not before start; defaults to now.')),
      step: Optional(
        Union([TString({ minLength: 1, maxLength: 32 }), TNumber()], {
          description: `Resolution: a Prometheus duration (30s, 5m, 1h) or seconds, at least 1ms; by default (end - start) / ${DEFAULT_POINTS - 1}. (end - start) / step may not exceed ${MAX_RESOLUTION} (Prometheus' limit of ${MAX_POINTS_PER_SERIES} points per series).`,
        }),
      ),
      max_series: Optional(maxSeries),
      max_points: Optional(
        Integer({
          minimum: 1,
          maximum: MAX_POINTS_PER_SERIES,
          description: `Keep at most this many of the most recent points of each series (1 to ${MAX_POINTS_PER_SERIES}); the answer says when points were left out. A larger step is usually the better way to see a whole range.`,
        }),
      ),
      format: Optional(formatArg),
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
    const step = args.step === undefined ? defaultStep(end - start) : parseStep('step', args.step);
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
    const result = await runPromQL({ args, endpoint: 'query_range', params, step }, ctx);
    // The step chosen for the caller is stated, so the answer can be read (and asked again).
    return args.step === undefined ? { ...result, extra: { ...result.extra, step } } : result;
  },
});

/** About DEFAULT_POINTS points: whole seconds from a second up, milliseconds below. */
function defaultStep(range: number): number {
  const exact = range / (DEFAULT_POINTS - 1);
  if (exact >= 1) return Math.ceil(exact);
  return Math.max(0.001, Math.ceil(exact * 1000) / 1000);
}
