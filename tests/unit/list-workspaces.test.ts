import { AmpClient, ListWorkspacesCommand, type WorkspaceSummary } from '@aws-sdk/client-amp';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { MAX_PAGES } from '../../src/operations/list-workspaces';
import { enforceControlPlaneIam } from '../support/amp-control';
import { loadHandler, type Handler } from '../support/harness';

/**
 * list_workspaces against AMP's ListWorkspaces (mocked: AWS cannot run here), through
 * the workspaces function as Lambda runs it: pages, the alias filter, the allow-list,
 * the PROMETHEUS_URL mode and AMP's errors.
 */

const amp = mockClient(AmpClient);
// ListWorkspaces authorised for the workspaces function's role, as AMP would.
enforceControlPlaneIam(AmpClient, amp);
const [WS_A, WS_B, WS_C, WS_D] = ['a', 'b', 'c', 'd'].map((c) => `ws-${c.repeat(8)}-1234-1234-1234-123456789012`) as [string, string, string, string];
const CREATED = new Date('2023-04-01T00:00:00Z');

function summary(workspaceId: string, alias: string | undefined, statusCode = 'ACTIVE'): WorkspaceSummary {
  return {
    workspaceId,
    alias,
    arn: `arn:aws:aps:us-east-1:123456789012:workspace/${workspaceId}`,
    status: { statusCode: statusCode as never },
    createdAt: CREATED,
  };
}

/** What list_workspaces says of a summary above: no alias when it has none. */
function listed(workspaceId: string, alias: string | undefined, status = 'ACTIVE') {
  return {
    workspace_id: workspaceId,
    ...(alias === undefined ? {} : { alias }),
    status,
    arn: `arn:aws:aps:us-east-1:123456789012:workspace/${workspaceId}`,
    created_at: '2023-04-01T00:00:00.000Z',
  };
}

const load = (env: Record<string, string | undefined> = {}): Promise<Handler> => loadHandler('workspaces', env);
const inputs = () => amp.commandCalls(ListWorkspacesCommand).map((call) => call.args[0].input);

beforeEach(() => amp.reset());

it('follows every page, and answers the workspaces sorted by ID', async () => {
  amp
    .on(ListWorkspacesCommand)
    .resolvesOnce({ workspaces: [summary(WS_C, 'staging'), summary(WS_A, 'production')], nextToken: 'page-2' })
    .resolvesOnce({ workspaces: [summary(WS_D, undefined, 'CREATING')], nextToken: 'page-3' })
    .resolvesOnce({ workspaces: [summary(WS_B, 'production-eu')] });
  const result = await (await load())({ body: {} }, lambdaContext());
  expect(result).toEqual({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      status: 'success',
      data: {
        workspaces: [listed(WS_A, 'production'), listed(WS_B, 'production-eu'), listed(WS_C, 'staging'), listed(WS_D, undefined, 'CREATING')],
        total: 4,
        truncated: false,
        source: 'ListWorkspaces',
      },
    }),
  });
  expect(inputs()).toEqual([{ maxResults: 1000 }, { nextToken: 'page-2', maxResults: 1000 }, { nextToken: 'page-3', maxResults: 1000 }]);
});

it("passes alias as AMP's prefix filter, on every page, in the region asked for", async () => {
  amp
    .on(ListWorkspacesCommand)
    .resolvesOnce({ workspaces: [summary(WS_A, 'production')], nextToken: 'page-2' })
    .resolvesOnce({ workspaces: [summary(WS_B, 'production-eu')] });
  // The function's own region is another: the role (template.yaml) allows ListWorkspaces in
  // the stack's region only, which the stand-in's IAM enforces.
  const result = await (await load({ AWS_REGION: 'eu-west-1' }))({ alias: 'prod', region: 'us-east-1' }, lambdaContext());
  expect(result).toEqual({
    status: 'success',
    data: { workspaces: [listed(WS_A, 'production'), listed(WS_B, 'production-eu')], total: 2, truncated: false, source: 'ListWorkspaces' },
  });
  expect(inputs()).toEqual([{ alias: 'prod', maxResults: 1000 }, { alias: 'prod', nextToken: 'page-2', maxResults: 1000 }]);
  expect(await amp.commandCalls(ListWorkspacesCommand)[0]!.thisValue.config.region()).toBe('us-east-1');
});

it('is refused by IAM in a region the role does not name (the stand-in enforces template.yaml)', async () => {
  amp.on(ListWorkspacesCommand).resolves({ workspaces: [summary(WS_A, 'production')] });
  expect(await (await load())({ region: 'eu-west-1' }, lambdaContext())).toEqual({
    status: 'error',
    error: { type: 'access_denied', message: "the function's role may not list the workspaces in eu-west-1 (aps:ListWorkspaces)" },
  });
  expect(amp.commandCalls(ListWorkspacesCommand)).toHaveLength(0);
});

it('lists only the workspaces of the allow-list when one is set', async () => {
  amp.on(ListWorkspacesCommand).resolves({ workspaces: [summary(WS_A, 'production'), summary(WS_B, 'other'), summary(WS_C, 'staging')] });
  const handler = await load({ ALLOWED_WORKSPACE_IDS: `${WS_C},${WS_A}` });
  expect(await handler({}, lambdaContext())).toEqual({
    status: 'success',
    data: { workspaces: [listed(WS_A, 'production'), listed(WS_C, 'staging')], total: 2, truncated: false, source: 'ListWorkspaces' },
  });
});

it('describes one workspace when workspace_id is given, and refuses one outside the allow-list before any call', async () => {
  amp.on(ListWorkspacesCommand).resolves({ workspaces: [summary(WS_A, 'production'), summary(WS_B, 'other')] });
  const handler = await load({ ALLOWED_WORKSPACE_IDS: WS_B });
  expect(await handler({ workspace_id: WS_B }, lambdaContext())).toEqual({
    status: 'success',
    data: { workspaces: [listed(WS_B, 'other')], total: 1, truncated: false, source: 'ListWorkspaces' },
  });
  amp.resetHistory();
  expect(await handler({ workspace_id: WS_A }, lambdaContext())).toEqual({
    status: 'error',
    error: { type: 'access_denied', message: `workspace ${WS_A} is not one this deployment may query (ALLOWED_WORKSPACE_IDS: ${WS_B})` },
  });
  expect(inputs()).toEqual([]);
});

it(`stops after ${MAX_PAGES} pages, and says the list is incomplete`, async () => {
  amp.on(ListWorkspacesCommand).callsFake((input: { nextToken?: string }) => {
    const page = input.nextToken === undefined ? 0 : Number(input.nextToken);
    return { workspaces: [summary(`ws-${String(page).padStart(8, '0')}-1234-1234-1234-123456789012`, `ws${page}`)], nextToken: String(page + 1) };
  });
  const result = (await (await load())({}, lambdaContext())) as { data: { workspaces: unknown[]; total: number; truncated: boolean }; truncated: boolean; note: string };
  expect(inputs()).toHaveLength(MAX_PAGES);
  expect(result.data.workspaces).toHaveLength(MAX_PAGES);
  expect(result.data).toMatchObject({ total: MAX_PAGES, truncated: true });
  expect(result.truncated).toBe(true);
  expect(result.note).toBe(`listed the first ${MAX_PAGES} pages of 1000 workspaces; pass alias to narrow the list`);
});

it.each([
  ['AccessDeniedException', 403, 'access_denied', "the function's role may not list the workspaces in us-east-1 (aps:ListWorkspaces)"],
  ['ThrottlingException', 429, 'throttled', 'ListWorkspaces was throttled in us-east-1; try again shortly'],
  ['ValidationException', 400, 'validation_error', 'AMP rejected the listing of workspaces in us-east-1: AWS says no'],
  ['CredentialsProviderError', 500, 'configuration_error', 'no AWS credentials to call ListWorkspaces with; give the function a role, or set PROMETHEUS_URL'],
  ['TimeoutError', 504, 'upstream_timeout', "ListWorkspaces did not answer before the function's deadline"],
  ['InternalServerException', 502, 'upstream_error', 'ListWorkspaces failed in us-east-1: InternalServerException'],
])('answers %s with %d', async (name, statusCode, type, message) => {
  amp.on(ListWorkspacesCommand).rejects(Object.assign(new Error('AWS says no'), { name }));
  const result = (await (await load())({ body: {} }, lambdaContext())) as { statusCode: number; body: string };
  expect(result.statusCode).toBe(statusCode);
  expect(JSON.parse(result.body)).toEqual({ status: 'error', error: { type, message } });
});

it('makes no AWS call with PROMETHEUS_URL set', async () => {
  const handler = await load({ PROMETHEUS_URL: 'http://127.0.0.1:9090/', PROMETHEUS_SIGV4: 'false' });
  expect(await handler({}, lambdaContext())).toEqual({
    status: 'success',
    data: {
      workspaces: [{ status: 'ACTIVE', prometheus_endpoint: 'http://127.0.0.1:9090/' }],
      total: 1,
      truncated: false,
      source: 'PROMETHEUS_URL',
    },
  });
  expect(inputs()).toEqual([]);
});

it('asks for a region when the function has none', async () => {
  const handler = await load({ AWS_REGION: undefined });
  expect(await handler({}, lambdaContext())).toEqual({
    status: 'error',
    error: { type: 'validation_error', message: "missing field 'region' (the function has no default region: set AWS_REGION)" },
  });
  expect(inputs()).toEqual([]);
});

describe('with CloudWatch PromQL enabled', () => {
  const CLOUDWATCH = { workspace_id: 'cloudwatch', alias: 'CloudWatch PromQL', status: 'ACTIVE', prometheus_endpoint: 'https://monitoring.us-east-1.amazonaws.com/' };
  const enabled = { CLOUDWATCH_PROMQL: 'true', ALLOWED_WORKSPACE_IDS: `${WS_A},${WS_B}` };

  it('lists it first, beside the workspaces: the choice an agent has', async () => {
    amp.on(ListWorkspacesCommand).resolves({ workspaces: [summary(WS_B, 'staging'), summary(WS_A, 'production')] });
    expect(await (await load(enabled))({}, lambdaContext())).toEqual({
      status: 'success',
      data: { workspaces: [CLOUDWATCH, listed(WS_A, 'production'), listed(WS_B, 'staging')], total: 3, truncated: false, source: 'ListWorkspaces' },
    });
  });

  it('answers workspace_id cloudwatch with no AWS call, and filters it by alias as AMP filters workspaces', async () => {
    amp.on(ListWorkspacesCommand).resolves({ workspaces: [summary(WS_A, 'production')] });
    const handler = await load(enabled);
    expect(await handler({ workspace_id: 'cloudwatch', region: 'eu-west-1' }, lambdaContext())).toEqual({
      status: 'success',
      data: {
        workspaces: [{ ...CLOUDWATCH, prometheus_endpoint: 'https://monitoring.eu-west-1.amazonaws.com/' }],
        total: 1,
        truncated: false,
        source: 'CloudWatch',
      },
    });
    expect(inputs()).toEqual([]);
    expect(((await handler({ alias: 'prod' }, lambdaContext())) as { data: { workspaces: unknown[] } }).data.workspaces).toEqual([listed(WS_A, 'production')]);
    expect(((await handler({ alias: 'Cloud' }, lambdaContext())) as { data: { workspaces: unknown[] } }).data.workspaces).toEqual([CLOUDWATCH, listed(WS_A, 'production')]);
  });

  it('lists it beside PROMETHEUS_URL, at CLOUDWATCH_ENDPOINT', async () => {
    const handler = await load({ PROMETHEUS_URL: 'http://127.0.0.1:9090/', PROMETHEUS_SIGV4: 'false', CLOUDWATCH_PROMQL: 'true', CLOUDWATCH_ENDPOINT: 'http://127.0.0.1:9091/cw' });
    expect(await handler({}, lambdaContext())).toEqual({
      status: 'success',
      data: {
        workspaces: [{ ...CLOUDWATCH, prometheus_endpoint: 'http://127.0.0.1:9091/cw' }, { status: 'ACTIVE', prometheus_endpoint: 'http://127.0.0.1:9090/' }],
        total: 2,
        truncated: false,
        source: 'PROMETHEUS_URL',
      },
    });
    expect(inputs()).toEqual([]);
  });

  it('refuses workspace_id cloudwatch, before any call, where it is not enabled', async () => {
    expect(await (await load())({ workspace_id: 'cloudwatch' }, lambdaContext())).toEqual({
      status: 'error',
      error: { type: 'validation_error', message: 'CloudWatch PromQL is not enabled on this deployment (template parameter CloudWatchPromQL=true)' },
    });
    expect(inputs()).toEqual([]);
  });
});
