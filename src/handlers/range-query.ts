import { rangeQuery } from '../operations/range-query';
import { createHandler } from '../shared/handler';

/** PromQL range query (/api/v1/query_range). */
export const handler = createHandler([rangeQuery]);
