import { serverInfo } from '../operations/server-info';
import { createHandler } from '../shared/handler';

/** The workspace, its query endpoint and a reachability check. */
export const handler = createHandler([serverInfo]);
