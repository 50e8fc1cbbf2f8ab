import { Integer, Optional, TArray, TBoolean, TObject, TString, limit, output, selectors, target } from '../shared/schemas';
import { clientFor, compareText, limitedList } from './common';
import { discoveryExtra, listResult, selection, timeWindow } from './discovery';
import { HINT_CALLS } from './hints';
import { defineOperation } from './types';

/**
 * A label name, UTF-8 included (Prometheus 3 and CloudWatch: `@resource.service.name`). It goes
 * into the URL's path percent-encoded; still, nothing that could change a path or a query
 * string anywhere it is decoded passes: no `/`, `\`, `%`, `?`, `#`, `&`, whitespace or
 * control characters, and not `.` or `..` (which a URL reads as path steps).
 */
export const LABEL_NAME_PATTERN = '^(?!\\.{1,2}$)[^\\u0000-\\u0020\\u007f/\\\\%?#&]+$';
export const LABEL_NAME_TEXT = 'a label name (UTF-8 allowed; no whitespace, /, \\, %, ?, #, & or control characters; not . or ..)';

export const labelValues = defineOperation({
  name: 'label_values',
  description:
    "List one label's values, sorted, to write exact matchers. " +
    'Example: {"label": "instance", "match": "up{job=\\"node\\"}"}.',
  args: TObject(
    {
      ...target,
      label: TString({
        pattern: LABEL_NAME_PATTERN,
        patternText: LABEL_NAME_TEXT,
        maxLength: 1024,
        examples: ['job'],
        description: 'Label name, e.g. job; __name__ lists metric names.',
      }),
      match: Optional(selectors('Series selector(s): only their values.')),
      ...timeWindow,
      limit: Optional(limit('label values')),
    },
    { additionalProperties: false },
  ),
  output: output(
    { values: TArray(TString()), total: Integer(), truncated: TBoolean() },
    "The label's values, sorted; total before the limit.",
  ),
  calls: ['label/values', 'DescribeWorkspace', ...HINT_CALLS],
  async run(args, ctx) {
    const selected = selection(args);
    const client = await clientFor(args, ctx);
    // Encoded although the pattern already allows no reserved character: the path is never built from raw input.
    const answer = await client.call<string[]>(`label/${encodeURIComponent(args.label)}/values`, selected.params, ctx);
    const list = limitedList([...answer.data].sort(compareText), args.limit, 'label values', 'narrow with match or start', answer.cut?.total);
    return listResult('values', list, answer, {}, await discoveryExtra(selected, list.total === 0, client, ctx, args.label));
  },
});
