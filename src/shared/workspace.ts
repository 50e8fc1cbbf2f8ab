import type { AmpClient } from '@aws-sdk/client-amp';
import { CLOUDWATCH_NOT_ENABLED, CLOUDWATCH_SERVICE, CLOUDWATCH_TARGET, cloudWatchEndpoint } from './cloudwatch';
import type { Config } from './config';
import {
  AccessDeniedError,
  ConfigurationError,
  ThrottledError,
  UpstreamError,
  UpstreamTimeoutError,
  ValidationError,
  WorkspaceNotActiveError,
  WorkspaceNotFoundError,
} from './errors';
import type { PrometheusTarget } from './prometheus-client';
import { tracer } from './observability';
import { ampSdk } from './runtime-sdk';

/** The workspace as AMP describes it. */
export interface WorkspaceDescription {
  workspace_id: string;
  alias: string | null;
  status: string;
  arn: string;
  prometheus_endpoint: string;
}

export interface ResolvedTarget extends PrometheusTarget {
  /** Undefined with PROMETHEUS_URL and CloudWatch: no DescribeWorkspace call is made then. */
  workspace?: WorkspaceDescription;
  source: 'PROMETHEUS_URL' | 'DescribeWorkspace' | 'CloudWatch';
}

// UPDATING (an alias or configuration change) still serves queries; CREATING,
// DELETING and CREATION_FAILED do not.
const QUERYABLE_STATUSES = new Set(['ACTIVE', 'UPDATING']);

const cache = new Map<string, { value: WorkspaceDescription; expires: number }>();
const clients = new Map<string, AmpClient>();

/**
 * Where a request's queries go: CloudWatch PromQL for workspace_id `cloudwatch` (where
 * enabled; with PROMETHEUS_URL too, so that a local setup can point CLOUDWATCH_ENDPOINT
 * at a stand-in), else PROMETHEUS_URL when set, otherwise the workspace's own endpoint
 * from DescribeWorkspace (cached per container for the configured TTL).
 */
export async function resolveTarget(
  args: { workspace_id?: string; region?: string },
  config: Config,
  deadline: number,
): Promise<ResolvedTarget> {
  const region = args.region ?? config.defaultRegion;
  const workspaceId = args.workspace_id ?? config.defaultWorkspaceId;
  if (workspaceId === CLOUDWATCH_TARGET) return cloudWatchTarget(region, config);
  // A Prometheus without SigV4 needs no region: nothing is signed.
  if (config.prometheusUrl !== undefined && !config.sigv4) {
    return { baseUrl: apiRoot(config.prometheusUrl), ...alertmanagerRoot(config), region: region ?? '', sigv4: false, service: 'aps', source: 'PROMETHEUS_URL' };
  }
  if (region === undefined) throw missingRegion();
  if (config.prometheusUrl !== undefined) {
    return { baseUrl: apiRoot(config.prometheusUrl), ...alertmanagerRoot(config), region, sigv4: config.sigv4, service: 'aps', source: 'PROMETHEUS_URL' };
  }
  if (workspaceId === undefined) {
    throw new ValidationError(
      "missing required field 'workspace_id' (the function has no default workspace: set WORKSPACE_ID)",
    );
  }
  const workspace = await describeWorkspace(workspaceId, region, config.workspaceCacheTtlMs, deadline);
  const endpoint = workspace.prometheus_endpoint.replace(/\/*$/, '/');
  return {
    baseUrl: new URL('api/v1', endpoint),
    // Every workspace has the path; one without an alert manager definition answers 404 there.
    alertmanagerUrl: new URL('alertmanager/api/v2', endpoint),
    region,
    sigv4: true,
    service: 'aps',
    workspace,
    source: 'DescribeWorkspace',
  };
}

/** CloudWatch PromQL in the region: no call to resolve it, always signed, for the `monitoring` service. */
function cloudWatchTarget(region: string | undefined, config: Config): ResolvedTarget {
  if (!config.cloudWatch) throw new ValidationError(CLOUDWATCH_NOT_ENABLED);
  if (region === undefined) throw missingRegion();
  return { baseUrl: apiRoot(cloudWatchEndpoint(region, config.cloudWatchEndpoint)), region, sigv4: true, service: CLOUDWATCH_SERVICE, source: 'CloudWatch' };
}

/** ALERTMANAGER_URL's v2 API root, where one is configured beside PROMETHEUS_URL. */
function alertmanagerRoot(config: Config): { alertmanagerUrl?: URL } {
  if (config.alertmanagerUrl === undefined) return {};
  const href = config.alertmanagerUrl.href.replace(/\/+$/, '');
  return { alertmanagerUrl: new URL(/\/api\/v2$/.test(href) ? href : `${href}/api/v2`) };
}

/** Whether a request goes to CloudWatch PromQL (where enabled: resolveTarget refuses it elsewhere). */
export function targetsCloudWatch(args: { workspace_id?: string }, config: Config): boolean {
  return (args.workspace_id ?? config.defaultWorkspaceId) === CLOUDWATCH_TARGET;
}

function missingRegion(): ValidationError {
  return new ValidationError("missing field 'region' (the function has no default region: set AWS_REGION)");
}

function apiRoot(url: URL): URL {
  return new URL(`${url.href.replace(/\/+$/, '')}/api/v1`);
}

async function describeWorkspace(
  workspaceId: string,
  region: string,
  ttlMs: number,
  deadline: number,
): Promise<WorkspaceDescription> {
  const key = `${region}/${workspaceId}`;
  const cached = cache.get(key);
  if (cached !== undefined && cached.expires > Date.now()) return cached.value;

  const { DescribeWorkspaceCommand } = ampSdk();
  const client = await ampClient(region);
  let output;
  try {
    output = await client.send(new DescribeWorkspaceCommand({ workspaceId }), {
      abortSignal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    });
  } catch (error) {
    throw describeError(error as Error, workspaceId, region);
  }

  const ws = output.workspace;
  const status = ws?.status?.statusCode ?? 'UNKNOWN';
  if (ws?.prometheusEndpoint === undefined || ws.arn === undefined) {
    throw new UpstreamError(`DescribeWorkspace returned no endpoint for workspace ${workspaceId}`);
  }
  const value: WorkspaceDescription = {
    workspace_id: ws.workspaceId ?? workspaceId,
    alias: ws.alias ?? null,
    status,
    arn: ws.arn,
    prometheus_endpoint: ws.prometheusEndpoint,
  };
  if (!QUERYABLE_STATUSES.has(status)) {
    throw new WorkspaceNotActiveError(`workspace ${workspaceId} in ${region} is ${status}, not ACTIVE`);
  }
  cache.set(key, { value, expires: Date.now() + ttlMs });
  return value;
}

/** The region's AMP control-plane client, made once per container. */
export async function ampClient(region: string): Promise<AmpClient> {
  // Loaded on first use only: a function pointed at PROMETHEUS_URL never pays for it.
  const { AmpClient } = ampSdk();
  let client = clients.get(region);
  if (client === undefined) {
    client = new AmpClient({ region });
    if (tracer !== undefined) client = tracer.captureAWSv3Client(client);
    clients.set(region, client);
  }
  return client;
}

function describeError(error: Error, workspaceId: string, region: string): Error {
  switch (error.name) {
    case 'ResourceNotFoundException':
      return new WorkspaceNotFoundError(`workspace ${workspaceId} not found in ${region}`);
    case 'AccessDeniedException':
      return new AccessDeniedError(
        `the function's role may not describe workspace ${workspaceId} in ${region} (aps:DescribeWorkspace)`,
      );
    case 'ThrottlingException':
      return new ThrottledError(`DescribeWorkspace was throttled for workspace ${workspaceId}; try again shortly`);
    case 'ValidationException':
      return new ValidationError(`AMP rejected workspace ${workspaceId} in ${region}: ${error.message}`);
    case 'CredentialsProviderError':
      return new ConfigurationError(
        'no AWS credentials to call DescribeWorkspace with; give the function a role, or set PROMETHEUS_URL',
      );
    case 'AbortError':
    case 'TimeoutError':
      return new UpstreamTimeoutError(`DescribeWorkspace did not answer before the function's deadline`);
    default:
      return new UpstreamError(`DescribeWorkspace failed for workspace ${workspaceId} in ${region}: ${error.name}`);
  }
}

/** For tests: forget cached workspaces and clients. */
export function clearWorkspaceCache(): void {
  cache.clear();
  clients.clear();
}
