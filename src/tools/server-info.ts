import { Optional, target, TBoolean, TObject } from '../shared/schemas';
import { listWorkspaces } from '../operations/list-workspaces';
import { serverInfo } from '../operations/server-info';
import { defineTool, without } from './types';

/** Where the calls go and whether it answers (server_info), or what else they may go to (list_workspaces). */
export const serverInfoTool = defineTool({
  name: 'server_info',
  description:
    'The Prometheus queried and whether it answers: call it when calls fail. `workspaces`: true: the workspaces workspace_id can name.',
  args: TObject({ ...target, workspaces: Optional(TBoolean()) }),
  operations: [serverInfo, listWorkspaces],
  route(args) {
    if (args.workspaces === true) return { operation: listWorkspaces.name, args: without(args, 'workspaces') };
    return { operation: serverInfo.name, args: without(args, 'workspaces') };
  },
});
