import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ampActionFor, authorize, identityOf, knownIdentities, workspaceArn, type Identity } from './iam';
import { verifySigV4 } from './sigv4-verify';

/**
 * A small AMP-like front for the tests: serves `/workspaces/<id>/api/v1/...`, checks
 * every request's SigV4 signature with the independent verifier (403 on a bad one,
 * as AMP does), authorises it as IAM would (the signer's role in template.yaml must
 * allow the endpoint's `aps:` action on the workspace: 403 AccessDeniedException
 * otherwise), and forwards the rest to the real Prometheus behind it. It records
 * every request, and a test may inject a fault for the requests it matches.
 *
 * It also answers AMP's control plane for its workspaces, as a client that sets
 * AWS_ENDPOINT_URL_AMP to its URL reaches it (AWS serves it from another host, aps.<region>,
 * signed for the same service): DescribeWorkspace (`GET /workspaces/<id>`, aps:DescribeWorkspace
 * on the workspace) and ListWorkspaces (`GET /workspaces`, aps:ListWorkspaces on *), each
 * workspace ACTIVE with this front as its prometheusEndpoint; GET only (405 otherwise), an
 * unknown workspace 404 ResourceNotFoundException, after IAM. The functions reach it only
 * through the AWS SDK (@aws-sdk/client-amp), so the built bundles are tested with the SDK
 * as the Lambda runtime provides it.
 */

export interface RecordedRequest {
  method: string;
  url: string;
  workspaceId?: string;
  /** The Prometheus API path after `/api/v1/`. */
  endpoint?: string;
  /** Decoded query-string and form parameters. */
  params: Record<string, string[]>;
  signatureError?: string;
  /** The role that signed (its access key's), when known. */
  role?: string;
  /** Why IAM refused the request, when it did. */
  accessDenied?: string;
  status: number;
}

/** Writes its own answer instead of forwarding, or returns false to forward. */
export type Fault = (req: RecordedRequest, res: http.ServerResponse) => boolean | Promise<boolean>;

export interface AmpFront {
  url: string;
  /** `${url}/workspaces/<the first workspace>`: what PROMETHEUS_URL points at. */
  workspaceUrl: string;
  requests: RecordedRequest[];
  fault?: Fault;
  stop(): Promise<void>;
}

export interface AmpFrontOptions {
  upstream: string;
  workspaces: string[];
  region: string;
  /** The real Alertmanager behind the workspaces' `/alertmanager/api/v2/...`, if any. */
  alertmanager?: string;
  /** The workspaces with an alert manager definition (default: all, where `alertmanager` is given); the others answer 404. */
  alertmanagerWorkspaces?: string[];
  /** Who may sign, with their roles: by default each function's role from template.yaml, and NOBODY. */
  identities?: Identity[];
}

const ACCESS_KEY = /Credential=([^/,\s]+)\//;

const WORKSPACE_PATH = /^\/workspaces\/([^/]+)\/api\/v1\/(.+)$/;
/** A workspace's Alertmanager: AMP's "Prometheus-compatible APIs" under `/alertmanager/api/v2/`. */
const ALERTMANAGER_PATH = /^\/workspaces\/([^/]+)\/alertmanager\/api\/v2\/(.+)$/;

/**
 * Each Alertmanager path and method AMP serves, and the action IAM checks (its API
 * reference: ListAlertManagerAlerts GET alerts, ListAlertManagerAlertGroups GET
 * alerts/groups, ListAlertManagerReceivers GET receivers, ListAlertManagerSilences GET
 * silences, PutAlertManagerSilences POST silences, GetAlertManagerSilence GET
 * silence/{id}, DeleteAlertManagerSilence DELETE silence/{id}, GetAlertManagerStatus GET
 * status). Anything else: 404, or 405 on a path served with another method.
 */
const ALERTMANAGER_ROUTES: [RegExp, Record<string, string>][] = [
  [/^alerts$/, { GET: 'aps:ListAlertManagerAlerts' }],
  [/^alerts\/groups$/, { GET: 'aps:ListAlertManagerAlertGroups' }],
  [/^receivers$/, { GET: 'aps:ListAlertManagerReceivers' }],
  [/^silences$/, { GET: 'aps:ListAlertManagerSilences', POST: 'aps:PutAlertManagerSilences' }],
  [/^silence\/[^/]+$/, { GET: 'aps:GetAlertManagerSilence', DELETE: 'aps:DeleteAlertManagerSilence' }],
  [/^status$/, { GET: 'aps:GetAlertManagerStatus' }],
];
/** The control plane's paths: ListWorkspaces, and DescribeWorkspace of one. */
const CONTROL_PATH = /^\/workspaces(?:\/([^/]+))?\/?$/;

/**
 * The methods AMP serves on each Prometheus-compatible endpoint (its API reference):
 * QueryMetrics, GetSeries and GetLabels' `/labels` take GET and POST; label values,
 * metadata, rules and alerts GET only. `status/buildinfo` is not AMP's: it stands for
 * a self-managed Prometheus (PROMETHEUS_URL), GET only.
 */
export function allowedMethods(endpoint: string): readonly string[] | undefined {
  if (['query', 'query_range', 'series', 'labels'].includes(endpoint)) return ['GET', 'POST'];
  if (/^label\/[^/]+\/values$/.test(endpoint)) return ['GET'];
  if (['metadata', 'rules', 'alerts', 'status/buildinfo'].includes(endpoint)) return ['GET'];
  return undefined;
}

export async function startAmpFront(options: AmpFrontOptions): Promise<AmpFront> {
  const front: Partial<AmpFront> & { requests: RecordedRequest[] } = { requests: [] };
  const identities = options.identities ?? knownIdentities();
  const agent = new http.Agent({ keepAlive: true });

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const rawUrl = req.url ?? '/';
    const [pathname, search = ''] = rawUrl.split('?', 2) as [string, string?];
    const match = WORKSPACE_PATH.exec(pathname);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url: rawUrl,
      workspaceId: match?.[1],
      endpoint: match?.[2],
      params: parseParams(search, req.headers['content-type'] === 'application/x-www-form-urlencoded' ? body : undefined),
      status: 0,
    };
    front.requests.push(record);
    const reply = (status: number, payload: unknown) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };

    const identity = identityOf(ACCESS_KEY.exec(String(req.headers.authorization ?? ''))?.[1], identities);
    record.role = identity?.role;
    record.signatureError =
      identity === undefined
        ? 'unknown access key'
        : verifySigV4({ method: record.method, rawUrl, headers: req.headers, body }, identity.credentials, { region: options.region, service: 'aps' });
    if (identity === undefined) {
      reply(403, { message: 'The security token included in the request is invalid.' });
      return;
    }
    if (record.signatureError !== undefined) {
      reply(403, { message: `The request signature we calculated does not match: ${record.signatureError}` });
      return;
    }
    const am = match === null ? ALERTMANAGER_PATH.exec(pathname) : null;
    if (am !== null) {
      await alertmanager(decodeURIComponent(am[1]!), am[2]!, search, body, identity, record, req, res, reply);
      return;
    }
    const control = match === null ? CONTROL_PATH.exec(pathname) : null;
    if (control !== null) {
      controlPlane(control[1] === undefined ? undefined : decodeURIComponent(control[1]), identity, record, res, reply);
      return;
    }
    if (match === null) {
      reply(404, { message: 'Not Found' });
      return;
    }
    const methods = allowedMethods(match[2]!);
    if (methods === undefined) {
      reply(404, { message: 'Not Found' });
      return;
    }
    if (!methods.includes(record.method)) {
      res.setHeader('allow', methods.join(', '));
      reply(405, { message: `Method ${record.method} is not allowed on ${match[2]}` });
      return;
    }
    // status/buildinfo stands for a self-managed Prometheus, which has no IAM.
    const action = ampActionFor(match[2]!);
    if (action !== undefined) {
      const decision = authorize(identity, action, workspaceArn(match[1]!, options.region), { 'aws:RequestedRegion': options.region });
      if (!decision.allowed) {
        record.accessDenied = decision.message;
        res.setHeader('x-amzn-errortype', 'AccessDeniedException');
        reply(403, { message: decision.message });
        return;
      }
    }
    // As on AWS, IAM decides before the workspace is looked up.
    if (!options.workspaces.includes(match[1]!)) {
      reply(404, { message: `Workspace not found: ${match[1]}` });
      return;
    }
    if (front.fault !== undefined && (await front.fault(record, res))) {
      record.status = res.statusCode;
      return;
    }

    forward(`${options.upstream}/api/v1/${match[2]}${search === '' ? '' : `?${search}`}`, body, record, req, res, reply);
  });

  /** The request to the real server behind, its answer piped back as it comes (status, type, encoding). */
  function forward(
    target: string,
    body: Buffer,
    record: RecordedRequest,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    reply: (status: number, payload: unknown) => void,
  ): void {
    const upstream = http.request(
      target,
      {
        method: record.method,
        agent,
        headers: {
          ...(req.headers['content-type'] === undefined ? {} : { 'content-type': req.headers['content-type'] }),
          ...(req.headers['accept-encoding'] === undefined ? {} : { 'accept-encoding': req.headers['accept-encoding'] }),
        },
      },
      (upstreamRes) => {
        record.status = upstreamRes.statusCode ?? 0;
        const headers: http.OutgoingHttpHeaders = { 'content-type': upstreamRes.headers['content-type'] ?? 'application/json' };
        if (upstreamRes.headers['content-encoding'] !== undefined) headers['content-encoding'] = upstreamRes.headers['content-encoding'];
        res.writeHead(record.status, headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', (error) => reply(502, { message: `upstream: ${error.message}` }));
    upstream.end(body);
  }

  /** A workspace's Alertmanager: the route's method and action, IAM, the workspace, its definition, then the real Alertmanager. */
  async function alertmanager(
    workspaceId: string,
    path: string,
    search: string,
    body: Buffer,
    identity: Identity,
    record: RecordedRequest,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    reply: (status: number, payload: unknown) => void,
  ): Promise<void> {
    record.workspaceId = workspaceId;
    record.endpoint = `alertmanager/${path}`;
    const route = ALERTMANAGER_ROUTES.find(([pattern]) => pattern.test(path));
    if (route === undefined) {
      reply(404, { message: 'Not Found' });
      return;
    }
    const action = route[1][record.method];
    if (action === undefined) {
      res.setHeader('allow', Object.keys(route[1]).join(', '));
      reply(405, { message: `Method ${record.method} is not allowed on alertmanager/api/v2/${path}` });
      return;
    }
    const decision = authorize(identity, action, workspaceArn(workspaceId, options.region), { 'aws:RequestedRegion': options.region });
    if (!decision.allowed) {
      record.accessDenied = decision.message;
      res.setHeader('x-amzn-errortype', 'AccessDeniedException');
      reply(403, { message: decision.message });
      return;
    }
    if (!options.workspaces.includes(workspaceId)) {
      reply(404, { message: `Workspace not found: ${workspaceId}` });
      return;
    }
    const defined = options.alertmanager !== undefined && (options.alertmanagerWorkspaces ?? options.workspaces).includes(workspaceId);
    if (!defined) {
      // Undocumented by AWS; what Cortex, on which AMP's Alertmanager is built, answers a tenant without one.
      record.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('the Alertmanager is not configured\n');
      return;
    }
    if (front.fault !== undefined && (await front.fault(record, res))) {
      record.status = res.statusCode;
      return;
    }
    forward(`${options.alertmanager}/api/v2/${path}${search === '' ? '' : `?${search}`}`, body, record, req, res, reply);
  }

  /** DescribeWorkspace or ListWorkspaces, as AMP answers them (its API reference's shapes). */
  function controlPlane(
    workspaceId: string | undefined,
    identity: Identity,
    record: RecordedRequest,
    res: http.ServerResponse,
    reply: (status: number, payload: unknown) => void,
  ): void {
    record.workspaceId = workspaceId;
    record.endpoint = workspaceId === undefined ? 'ListWorkspaces' : 'DescribeWorkspace';
    if (record.method !== 'GET') {
      res.setHeader('allow', 'GET');
      reply(405, { message: `Method ${record.method} is not allowed` });
      return;
    }
    const [action, resource] =
      workspaceId === undefined ? ['aps:ListWorkspaces', '*'] : ['aps:DescribeWorkspace', workspaceArn(workspaceId, options.region)];
    const decision = authorize(identity, action, resource, { 'aws:RequestedRegion': options.region });
    if (!decision.allowed) {
      record.accessDenied = decision.message;
      res.setHeader('x-amzn-errortype', 'AccessDeniedException');
      reply(403, { message: decision.message });
      return;
    }
    const describe = (id: string) => ({
      workspaceId: id,
      alias: `front-${options.workspaces.indexOf(id) + 1}`,
      arn: workspaceArn(id, options.region),
      status: { statusCode: 'ACTIVE' },
      createdAt: 1_680_307_200,
      prometheusEndpoint: `${url}/workspaces/${id}/`,
    });
    if (workspaceId === undefined) {
      // A summary has no prometheusEndpoint (ListWorkspaces' WorkspaceSummary).
      // `alias`: the workspaces whose alias begins with it.
      const prefix = record.params.alias?.[0] ?? '';
      const listed = options.workspaces.map(describe).filter((ws) => ws.alias.startsWith(prefix));
      reply(200, { workspaces: listed.map((ws) => ({ ...ws, prometheusEndpoint: undefined })) });
      return;
    }
    if (!options.workspaces.includes(workspaceId)) {
      res.setHeader('x-amzn-errortype', 'ResourceNotFoundException');
      reply(404, { message: `Workspace not found: ${workspaceId}`, resourceId: workspaceId, resourceType: 'Workspace' });
      return;
    }
    reply(200, { workspace: describe(workspaceId) });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(front, {
    url,
    workspaceUrl: `${url}/workspaces/${options.workspaces[0]}`,
    stop: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as AmpFront;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseParams(search: string, form: Buffer | undefined): Record<string, string[]> {
  const params: Record<string, string[]> = {};
  for (const source of [search, form?.toString('utf8') ?? '']) {
    for (const [key, value] of new URLSearchParams(source)) (params[key] ??= []).push(value);
  }
  return params;
}
