import { query } from '../operations/query';
import { createHandler } from '../shared/handler';

/** Instant PromQL query (/api/v1/query). */
export const handler = createHandler([query]);
