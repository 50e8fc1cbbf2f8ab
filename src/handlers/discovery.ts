import { describeMetric } from '../operations/describe-metric';
import { labelValues } from '../operations/label-values';
import { listLabels } from '../operations/list-labels';
import { series } from '../operations/series';
import { createHandler } from '../shared/handler';

/**
 * Label and series discovery (/api/v1/labels, /api/v1/label/<name>/values, /api/v1/series) and one
 * metric described (with /api/v1/metadata and a range query), routed by `operation` or the tool name.
 */
export const handler = createHandler([listLabels, labelValues, series, describeMetric]);
