import { ValidationError } from '../shared/errors';
import { Optional, target, TObject, TString, TNumber, Union } from '../shared/schemas';
import { query as instant } from '../operations/query';
import { rangeQuery } from '../operations/range-query';
import { defineTool } from './types';

const when = (description?: string) => Union([TString(), TNumber()], description === undefined ? {} : { description });

/**
 * PromQL, instant or over a range: `start` makes it a range query. max_series, max_points,
 * precision, format and AMP's samples thresholds are the operations' and pass through.
 */
export const queryTool = defineTool({
  name: 'query',
  description:
    'PromQL at `time` (default now), or from `start` to `end` (default now) a point every `step` (default: ~60 points). ' +
    'Example: {"query": "sum by (job) (rate(http_requests_total[5m]))", "start": "1h"}.',
  args: TObject({
    ...target,
    query: TString(),
    time: Optional(when()),
    start: Optional(when()),
    end: Optional(when()),
    step: Optional(when('30s, 5m…')),
    format: Optional(TString({ pattern: '^(compact|summary|prometheus)$', description: 'summary: per series min, max, avg, last.' })),
  }),
  operations: [instant, rangeQuery],
  route(args) {
    if (args.start === undefined) {
      const ranged = ['end', 'step', 'max_points'].filter((name) => args[name] !== undefined);
      if (ranged.length > 0) throw new ValidationError(`${ranged.join(' and ')} need start: a range query runs from start to end (default now)`);
      return { operation: instant.name, args };
    }
    if (args.time !== undefined) throw new ValidationError('give time (one instant) or start (a range), not both');
    return { operation: rangeQuery.name, args };
  },
});
