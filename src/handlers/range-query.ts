import { createHandler } from '../shared/handler';

/** PromQL range query (/api/v1/query_range). */
export const handler = createHandler('range_query');
