import { Integer, Optional, TArray, TBoolean, TObject, TString, limit, output, selectors, target } from '../shared/schemas';
import { clientFor, compareText, limitedList } from './common';
import { listResult, selectionParams, timeWindow } from './discovery';
import { defineOperation } from './types';

/** Prometheus' label-name syntax: the name goes into the URL's path, so nothing that could change the path passes. */
export const LABEL_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_]*$';

export const labelValues = defineOperation({
  name: 'label_values',
  description:
    'List the values of one label across the series in the workspace, sorted: which jobs, instances, modes… exist, to write ' +
    'exact matchers. The usual workflow: list_metrics, list_labels, label_values, then query. ' +
    'Example: {"label": "instance", "match": "up{job=\\"node\\"}", "start": "1h"}. label __name__ lists metric names. ' +
    'Answers {values, total, truncated}; a list cut by limit says so in `truncated` and `note`. ' +
    'Without start, Prometheus looks at all the data it holds, old series included: pass start (e.g. "1h") for the series of the last hour.',
  args: TObject(
    {
      ...target,
      label: TString({
        pattern: LABEL_NAME_PATTERN,
        maxLength: 1024,
        examples: ['job'],
        description: 'The label name, e.g. job, instance or __name__ (letters, digits and _, not starting with a digit).',
      }),
      match: Optional(selectors('Series selector(s): only the values on these series, e.g. up or {job="node"}.')),
      ...timeWindow,
      limit: Optional(limit('label values')),
    },
    { additionalProperties: false },
  ),
  output: output(
    { values: TArray(TString()), total: Integer(), truncated: TBoolean() },
    "The label's values, sorted; total before the limit.",
  ),
  calls: ['label/values', 'DescribeWorkspace'],
  async run(args, ctx) {
    const params = selectionParams(args);
    const client = await clientFor(args, ctx);
    // Encoded although the pattern already allows no reserved character: the path is never built from raw input.
    const answer = await client.call<string[]>(`label/${encodeURIComponent(args.label)}/values`, params, ctx);
    return listResult('values', limitedList([...answer.data].sort(compareText), args.limit, 'label values', 'narrow with match or start'), answer);
  },
});
