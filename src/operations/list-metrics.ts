import { Integer, Optional, TArray, TBoolean, TObject, TString, Unknown, limit, output, selectors, target } from '../shared/schemas';
import { clientFor, limitedList, warningsOf } from './common';
import { matchParams } from './discovery';
import { defineOperation } from './types';

interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}

export const listMetrics = defineOperation({
  name: 'list_metrics',
  description:
    'List metric names, sorted: the first step before writing PromQL. Counters end in _total: query them with rate(). ' +
    'Example: {"match": "{job=\\"node\\"}", "limit": 200}.',
  args: TObject(
    {
      ...target,
      match: Optional(selectors('Series selector(s): only their metrics.')),
      limit: Optional(limit('metric names')),
      include_metadata: Optional(TBoolean({ description: 'Add each type, help and unit.' })),
    },
    { additionalProperties: false },
  ),
  output: output(
    {
      metrics: TArray(TString()),
      total: Integer(),
      truncated: TBoolean(),
      metadata: Optional(Unknown()),
    },
    'Metric names, sorted; total before the limit; metadata by name when asked.',
  ),
  calls: ['label/values', 'metadata', 'DescribeWorkspace'],
  async run(args, ctx) {
    const params = matchParams(args.match);
    const client = await clientFor(args, ctx);
    const answer = await client.call<string[]>('label/__name__/values', params, ctx);
    const list = limitedList([...answer.data].sort(), args.limit, 'metric names', 'narrow with match');
    const data: Record<string, unknown> = { metrics: list.items, total: list.total, truncated: list.truncated };
    let upstreamBytes = answer.bytes;

    if (args.include_metadata === true) {
      const metadata = await client.call<Record<string, MetricMetadata[]>>('metadata', [], ctx);
      upstreamBytes += metadata.bytes;
      data.metadata = Object.fromEntries(
        list.items.flatMap((name) => {
          const entry = metadata.data[name]?.[0];
          return entry === undefined ? [] : [[name, { type: entry.type, help: entry.help, unit: entry.unit }]];
        }),
      );
    }
    return { data, count: list.items.length, upstreamBytes, ...(list.notes.length === 0 ? {} : { notes: list.notes }), ...warningsOf(answer) };
  },
});
