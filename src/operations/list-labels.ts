import { Integer, Optional, TArray, TBoolean, TObject, TString, limit, output, selectors, target } from '../shared/schemas';
import { clientFor, compareText, limitedList } from './common';
import { listResult, selectionParams, timeWindow } from './discovery';
import { defineOperation } from './types';

export const listLabels = defineOperation({
  name: 'list_labels',
  description:
    'List the label names (job, instance, mode…) of the series in the workspace, sorted: what a query can filter and group by. ' +
    'The usual workflow: list_metrics to find a metric, list_labels with match to see its labels, label_values for the values ' +
    'of one label, then query. Example: {"match": "node_cpu_seconds_total", "start": "1h"}. ' +
    'Answers {labels, total, truncated}; a list cut by limit says so in `truncated` and `note`. ' +
    'Without start, Prometheus looks at all the data it holds, old series included: pass start (e.g. "1h") for the series of the last hour.',
  args: TObject(
    {
      ...target,
      match: Optional(selectors('Series selector(s): only the labels of these series, e.g. node_cpu_seconds_total or {job="node"}.')),
      ...timeWindow,
      limit: Optional(limit('label names')),
    },
    { additionalProperties: false },
  ),
  output: output(
    { labels: TArray(TString()), total: Integer(), truncated: TBoolean() },
    'Label names, sorted (__name__ is the metric name); total before the limit.',
  ),
  calls: ['labels', 'DescribeWorkspace'],
  async run(args, ctx) {
    const params = selectionParams(args);
    const client = await clientFor(args, ctx);
    const answer = await client.call<string[]>('labels', params, ctx);
    return listResult('labels', limitedList([...answer.data].sort(compareText), args.limit, 'label names', 'narrow with match or start'), answer);
  },
});
