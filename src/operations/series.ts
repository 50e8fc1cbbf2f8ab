import { Integer, Optional, TArray, TBoolean, TObject, limit, output, selectors, target } from '../shared/schemas';
import { clientFor, compareText, limitedList } from './common';
import { discoveryExtra, listResult, selection, timeWindow } from './discovery';
import { HINT_CALLS } from './hints';
import { defineOperation } from './types';

type Labels = Record<string, string>;

export const series = defineOperation({
  name: 'series',
  description:
    'List the label sets of matching series, sorted, and by_metric: how many match per metric name, limit or not ' +
    '(cardinality). Example: {"match": "{job=\\"node\\"}", "limit": 100}.',
  args: TObject(
    {
      ...target,
      match: selectors('Series selector(s), e.g. up or {job="node"}.'),
      ...timeWindow,
      limit: Optional(limit('series')),
    },
    { additionalProperties: false },
  ),
  output: output(
    {
      series: TArray(TObject({}, { description: 'A label set, __name__ included.' })),
      total: Integer(),
      truncated: TBoolean(),
      by_metric: TObject({}, { description: 'Metric name → number of matched series, sorted by name.' }),
    },
    'Label sets sorted by metric name then labels; total and by_metric before the limit.',
  ),
  calls: ['series', 'DescribeWorkspace', ...HINT_CALLS],
  async run(args, ctx) {
    const selected = selection(args);
    const client = await clientFor(args, ctx);
    const answer = await client.call<Labels[]>('series', selected.params, ctx);
    const sorted = sortSeries(answer.data);
    const counts = new Map<string, number>();
    for (const labels of sorted) counts.set(nameOf(labels), (counts.get(nameOf(labels)) ?? 0) + 1);
    // fromEntries defines own keys: a metric named __proto__ stays a count.
    const byMetric = Object.fromEntries(counts);
    const list = limitedList(sorted, args.limit, 'series', 'narrow match or pass start', answer.cut?.total);
    return listResult('series', list, answer, { by_metric: byMetric }, await discoveryExtra(selected, list.total === 0, client, ctx));
  },
});

const nameOf = (labels: Labels) => labels.__name__ ?? '';

/** By metric name, then label by label (name, then value) in name order: the same on every call. */
function sortSeries(all: Labels[]): Labels[] {
  const keyed = all.map((labels) => ({
    labels,
    name: nameOf(labels),
    pairs: Object.entries(labels)
      .filter(([key]) => key !== '__name__')
      .sort(([a], [b]) => compareText(a, b)),
  }));
  keyed.sort((a, b) => compareText(a.name, b.name) || comparePairs(a.pairs, b.pairs));
  return keyed.map((k) => k.labels);
}

function comparePairs(a: [string, string][], b: [string, string][]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareText(a[i]![0], b[i]![0]) || compareText(a[i]![1], b[i]![1]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}
