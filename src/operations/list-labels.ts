import { Integer, Optional, TArray, TBoolean, TObject, TString, limit, output, selectors, target } from '../shared/schemas';
import { clientFor, compareText, limitedList } from './common';
import { discoveryExtra, listResult, selection, timeWindow } from './discovery';
import { HINT_CALLS } from './hints';
import { defineOperation } from './types';

export const listLabels = defineOperation({
  name: 'list_labels',
  description:
    'List label names (job, instance…), sorted: what a query can filter and group by. Example: {"match": "up"}.',
  args: TObject(
    {
      ...target,
      match: Optional(selectors('Series selector(s): only their labels.')),
      ...timeWindow,
      limit: Optional(limit('label names')),
    },
    { additionalProperties: false },
  ),
  output: output(
    { labels: TArray(TString()), total: Integer(), truncated: TBoolean() },
    'Label names, sorted (__name__ is the metric name); total before the limit.',
  ),
  calls: ['labels', 'DescribeWorkspace', ...HINT_CALLS],
  async run(args, ctx) {
    const selected = selection(args);
    const client = await clientFor(args, ctx);
    const answer = await client.call<string[]>('labels', selected.params, ctx);
    const list = limitedList([...answer.data].sort(compareText), args.limit, 'label names', 'narrow with match or start', answer.cut?.total);
    return listResult('labels', list, answer, {}, await discoveryExtra(selected, list.total === 0, client, ctx));
  },
});
