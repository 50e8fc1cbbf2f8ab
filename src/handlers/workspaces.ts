import { listWorkspaces } from '../operations/list-workspaces';
import { createHandler } from '../shared/handler';

/** The workspaces these tools may query (AMP ListWorkspaces, or the PROMETHEUS_URL endpoint). */
export const handler = createHandler([listWorkspaces]);
