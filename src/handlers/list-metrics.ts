import { listMetrics } from '../operations/list-metrics';
import { createHandler } from '../shared/handler';

/** Metric discovery (/api/v1/label/__name__/values, optionally /api/v1/metadata). */
export const handler = createHandler([listMetrics]);
