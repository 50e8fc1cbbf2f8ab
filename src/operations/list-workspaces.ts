import type { WorkspaceSummary } from '@aws-sdk/client-amp';
import { CLOUDWATCH_ALIAS, CLOUDWATCH_NOT_ENABLED, CLOUDWATCH_TARGET, cloudWatchEndpoint } from '../shared/cloudwatch';
import type { Config } from '../shared/config';
import {
  AccessDeniedError,
  ConfigurationError,
  ThrottledError,
  UpstreamError,
  UpstreamTimeoutError,
  ValidationError,
} from '../shared/errors';
import { Integer, Optional, TArray, TBoolean, TObject, TString, output, target } from '../shared/schemas';
import { WORKSPACE_ID_PATTERN } from '../shared/security';
import { ampSdk } from '../shared/runtime-sdk';
import { ampClient } from '../shared/workspace';
import { compareText } from './common';
import { defineOperation } from './types';

/** ListWorkspaces' largest page. */
const PAGE_SIZE = 1000;
/** Pages followed at most: far beyond AMP's default quota of workspaces per region, yet bounded. */
export const MAX_PAGES = 10;

// Absent rather than null: every field has one type, which the tools' outputSchema (and
// the MCP clients that check structured results against it) can state.
interface ListedWorkspace {
  workspace_id?: string;
  alias?: string;
  status: string;
  arn?: string;
  prometheus_endpoint?: string;
  created_at?: string;
}

export const listWorkspaces = defineOperation({
  name: 'list_workspaces',
  description:
    'The AMP workspaces these tools may query, with alias and status (ACTIVE can be queried), and CloudWatch PromQL ' +
    '(workspace_id "cloudwatch") where enabled: which workspace_id to pass. Example: {"alias": "prod"}.',
  args: TObject(
    {
      workspace_id: Optional(
        TString({
          pattern: WORKSPACE_ID_PATTERN,
          examples: ['ws-12345678-abcd-1234-efgh-123456789012'],
          description: 'Only this workspace.',
        }),
      ),
      region: target.region,
      alias: Optional(TString({ minLength: 1, maxLength: 100, description: 'Alias prefix.' })),
    },
    { additionalProperties: false },
  ),
  output: output(
    {
      workspaces: TArray(
        TObject({
          workspace_id: Optional(TString({ description: 'Absent only for a PROMETHEUS_URL without a default workspace.' })),
          alias: Optional(TString({ description: 'Absent when the workspace has none.' })),
          status: TString({ description: 'ACTIVE, UPDATING, CREATING, DELETING or CREATION_FAILED' }),
          arn: Optional(TString()),
          prometheus_endpoint: Optional(TString({ description: 'With PROMETHEUS_URL: the endpoint queried.' })),
          created_at: Optional(TString({ description: 'RFC3339' })),
        }),
      ),
      total: Integer(),
      truncated: TBoolean(),
      source: TString({ description: 'ListWorkspaces, PROMETHEUS_URL or CloudWatch' }),
    },
    'The workspaces, sorted by workspace_id; truncated when more pages remained than are followed.',
  ),
  calls: ['ListWorkspaces'],
  async run(args, ctx) {
    const { config } = ctx;
    const region = args.region ?? config.defaultRegion;
    if (args.workspace_id === CLOUDWATCH_TARGET && !config.cloudWatch) throw new ValidationError(CLOUDWATCH_NOT_ENABLED);
    // CloudWatch, where enabled, is listed first (its ID sorts first): the choice an agent has, beside the workspaces.
    const listed =
      config.cloudWatch &&
      (args.workspace_id === undefined || args.workspace_id === CLOUDWATCH_TARGET) &&
      (args.alias === undefined || CLOUDWATCH_ALIAS.startsWith(args.alias));
    const cloudWatch = listed ? [cloudWatchEntry(region, config)] : [];
    if (args.workspace_id === CLOUDWATCH_TARGET) {
      return { data: { workspaces: cloudWatch, total: cloudWatch.length, truncated: false, source: 'CloudWatch' }, count: cloudWatch.length, upstreamBytes: 0 };
    }
    if (config.prometheusUrl !== undefined) {
      // No AWS call: the endpoint every request goes to, under the ID a request would name.
      const workspaceId = args.workspace_id ?? config.defaultWorkspaceId;
      const endpoint: ListedWorkspace = {
        ...(workspaceId === undefined ? {} : { workspace_id: workspaceId }),
        status: 'ACTIVE',
        prometheus_endpoint: config.prometheusUrl.href,
      };
      // It has no alias, so no alias prefix matches it.
      const workspaces = [...cloudWatch, ...(args.alias === undefined ? [endpoint] : [])];
      return { data: { workspaces, total: workspaces.length, truncated: false, source: 'PROMETHEUS_URL' }, count: workspaces.length, upstreamBytes: 0 };
    }

    if (region === undefined) throw new ValidationError("missing field 'region' (the function has no default region: set AWS_REGION)");
    const { summaries, complete } = await listAll(region, args.alias, ctx.deadline);
    const allowed = config.allowedWorkspaceIds;
    const workspaces = [
      ...cloudWatch,
      ...summaries
        .filter((ws) => ws.workspaceId !== undefined)
        .filter((ws) => allowed === undefined || allowed.has(ws.workspaceId!))
        .filter((ws) => args.workspace_id === undefined || ws.workspaceId === args.workspace_id)
        .map(describe)
        .sort((a, b) => compareText(a.workspace_id!, b.workspace_id!)),
    ];
    const data = { workspaces, total: workspaces.length, truncated: !complete, source: 'ListWorkspaces' };
    return {
      data,
      count: workspaces.length,
      // The list's size stands for the upstream's, so the response budget measures a long one.
      upstreamBytes: Buffer.byteLength(JSON.stringify(workspaces)),
      ...(complete ? {} : { notes: [`listed the first ${MAX_PAGES} pages of ${PAGE_SIZE} workspaces; pass alias to narrow the list`] }),
    };
  },
});

/** Every page of ListWorkspaces, up to MAX_PAGES; `complete` is false when pages remained. */
async function listAll(region: string, alias: string | undefined, deadline: number): Promise<{ summaries: WorkspaceSummary[]; complete: boolean }> {
  const { ListWorkspacesCommand } = ampSdk();
  const client = await ampClient(region);
  const abortSignal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
  const summaries: WorkspaceSummary[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let output;
    try {
      output = await client.send(new ListWorkspacesCommand({ alias, nextToken, maxResults: PAGE_SIZE }), { abortSignal });
    } catch (error) {
      throw listError(error as Error, region);
    }
    summaries.push(...(output.workspaces ?? []));
    nextToken = output.nextToken;
    if (nextToken === undefined) return { summaries, complete: true };
  }
  return { summaries, complete: false };
}

/** CloudWatch PromQL as a workspace: always there, its endpoint the region's (none to show without a region). */
function cloudWatchEntry(region: string | undefined, config: Config): ListedWorkspace {
  const endpoint = region === undefined ? config.cloudWatchEndpoint : cloudWatchEndpoint(region, config.cloudWatchEndpoint);
  return { workspace_id: CLOUDWATCH_TARGET, alias: CLOUDWATCH_ALIAS, status: 'ACTIVE', ...(endpoint === undefined ? {} : { prometheus_endpoint: endpoint.href }) };
}

function describe(ws: WorkspaceSummary): ListedWorkspace {
  return {
    workspace_id: ws.workspaceId!,
    ...(ws.alias === undefined ? {} : { alias: ws.alias }),
    status: ws.status?.statusCode ?? 'UNKNOWN',
    ...(ws.arn === undefined ? {} : { arn: ws.arn }),
    ...(ws.createdAt === undefined ? {} : { created_at: ws.createdAt.toISOString() }),
  };
}

function listError(error: Error, region: string): Error {
  switch (error.name) {
    case 'AccessDeniedException':
      return new AccessDeniedError(`the function's role may not list the workspaces in ${region} (aps:ListWorkspaces)`);
    case 'ThrottlingException':
      return new ThrottledError(`ListWorkspaces was throttled in ${region}; try again shortly`);
    case 'ValidationException':
      return new ValidationError(`AMP rejected the listing of workspaces in ${region}: ${error.message}`);
    case 'CredentialsProviderError':
      return new ConfigurationError('no AWS credentials to call ListWorkspaces with; give the function a role, or set PROMETHEUS_URL');
    case 'AbortError':
    case 'TimeoutError':
      return new UpstreamTimeoutError("ListWorkspaces did not answer before the function's deadline");
    default:
      return new UpstreamError(`ListWorkspaces failed in ${region}: ${error.name}`);
  }
}
