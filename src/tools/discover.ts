import { ValidationError } from '../shared/errors';
import { Integer, Optional, target, TBoolean, TNumber, TObject, TString, Union, selectors } from '../shared/schemas';
import { describeMetric } from '../operations/describe-metric';
import { labelValues } from '../operations/label-values';
import { listLabels } from '../operations/list-labels';
import { listMetrics } from '../operations/list-metrics';
import { series } from '../operations/series';
import { defineTool, oneOf, without } from './types';

const when = Union([TString(), TNumber()]);

/** The arguments that choose what discover lists; none: metric names. */
const MODES = ['metric', 'top', 'label', 'labels', 'series'] as const;

/**
 * Everything an agent looks up before it writes PromQL, in one tool: metric names (list_metrics,
 * `top` for cardinality), one metric in detail (describe_metric), label names (list_labels),
 * a label's values (label_values) and the series (series). `match` narrows each.
 */
export const discoverTool = defineTool({
  name: 'discover',
  description:
    'Find what to query, in the last hour unless `start`. Default: metric names (`search` filters). ' +
    '`metric`: its type, help, series and labels. `label`: its values. `labels`: true: label names. ' +
    '`series`: true: the series. `top`: N metrics with most series. `match` (a selector) narrows any.',
  args: TObject({
    ...target,
    search: Optional(TString()),
    metric: Optional(TString()),
    label: Optional(TString()),
    labels: Optional(TBoolean()),
    series: Optional(TBoolean()),
    top: Optional(Integer()),
    match: Optional(selectors('')),
    limit: Optional(Integer()),
    start: Optional(when),
    end: Optional(when),
  }),
  operations: [listMetrics, describeMetric, listLabels, labelValues, series],
  route(args) {
    const mode = oneOf(args, MODES, 'discover');
    const rest = without(args, 'labels', 'series');
    switch (mode) {
      case 'metric':
        return { operation: describeMetric.name, args: rest };
      case 'label':
        return { operation: labelValues.name, args: rest };
      case 'labels':
        return { operation: listLabels.name, args: rest };
      case 'series':
        if (args.match === undefined) throw new ValidationError('series: true needs match, a series selector such as up or {job="node"}');
        return { operation: series.name, args: rest };
      default:
        // No mode, or top: metric names (list_metrics takes top itself).
        return { operation: listMetrics.name, args: rest };
    }
  },
});
