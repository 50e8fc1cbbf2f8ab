import { AmpClient, DescribeWorkspaceCommand, ListWorkspacesCommand } from '@aws-sdk/client-amp';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { clearWorkspaceCache } from '../../src/shared/workspace';
import { startAmpFront, type AmpFront } from '../support/amp-front';
import { enforceControlPlaneIam } from '../support/amp-control';
import { TEST_REGION, TEST_WORKSPACE_ID } from '../support/credentials';
import { envelopeOf, loadHandler, signedAs, useHarness, type Handler } from '../support/harness';
import { authorize, functionCredentials, functionIdentities, NOBODY, workspaceArn, type Identity } from '../support/iam';
import { signRequest } from '../../src/shared/sigv4';
import http from 'node:http';

/**
 * IAM as AWS enforces it, through the stand-ins: each function signs with its own role's
 * key, and the AMP-like front (and the mocked control plane) allow a call only when that
 * role in template.yaml allows its aps: action on the workspace. These tests show the
 * stand-in refuses what AWS would, and that the functions need nothing their roles lack.
 */

const harness = useHarness();

const T0 = 1680307200;
const OTHER_WORKSPACE = 'ws-99999999-abcd-1234-efgh-123456789012';
const THIRD_WORKSPACE = 'ws-88888888-abcd-1234-efgh-123456789012';
const AMP_ACTIONS = ['aps:QueryMetrics', 'aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata', 'aps:ListRules', 'aps:ListAlerts', 'aps:DescribeWorkspace'];

describe("each function's role, as template.yaml expands for a stack", () => {
  const identities = functionIdentities();
  const allowed = (identity: Identity, workspace = TEST_WORKSPACE_ID) =>
    AMP_ACTIONS.filter((action) => authorize(identity, action, workspaceArn(workspace), { 'aws:RequestedRegion': TEST_REGION }).allowed);

  it.each([
    ['query', ['aps:QueryMetrics', 'aps:GetLabels', 'aps:DescribeWorkspace']],
    ['range-query', ['aps:QueryMetrics', 'aps:GetLabels', 'aps:DescribeWorkspace']],
    ['list-metrics', ['aps:QueryMetrics', 'aps:GetLabels', 'aps:GetMetricMetadata', 'aps:DescribeWorkspace']],
    ['server-info', ['aps:QueryMetrics', 'aps:DescribeWorkspace']],
    ['discovery', ['aps:QueryMetrics', 'aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata', 'aps:DescribeWorkspace']],
    ['alerting', ['aps:ListRules', 'aps:ListAlerts', 'aps:DescribeWorkspace']],
    ['workspaces', []],
    ['integration', AMP_ACTIONS],
  ])('%s may do exactly this on the default workspace', (entry, actions) => {
    expect(allowed(identities.get(entry)!)).toEqual(actions);
  });

  it('allows nothing on a workspace the stack does not name, and the AllowedWorkspaceIds it does', () => {
    expect(allowed(identities.get('integration')!, OTHER_WORKSPACE)).toEqual([]);
    const withOther = functionIdentities({ parameters: { AllowedWorkspaceIds: OTHER_WORKSPACE } }).get('query')!;
    expect(allowed(withOther, OTHER_WORKSPACE)).toEqual(['aps:QueryMetrics', 'aps:GetLabels', 'aps:DescribeWorkspace']);
    expect(allowed(withOther, THIRD_WORKSPACE)).toEqual([]);
  });

  it('allows ListWorkspaces on * to the workspaces function and the router, in the stack region only', () => {
    const list = (entry: string, region: string) =>
      authorize(identities.get(entry)!, 'aps:ListWorkspaces', '*', { 'aws:RequestedRegion': region }).allowed;
    expect([...identities.keys()].filter((entry) => list(entry, TEST_REGION))).toEqual(['workspaces', 'integration']);
    expect(list('workspaces', 'eu-west-1')).toBe(false);
  });
});

describe('the AMP-like front', () => {
  /** A request signed with `credentials`' key, sent straight to the front. */
  async function send(endpoint: string, entry: 'query' | 'alerting'): Promise<{ status: number; body: string; errorType?: string }> {
    const url = new URL(`${harness.front.workspaceUrl}/api/v1/${endpoint}`);
    const signed = await signedAs(entry, () => signRequest({ method: 'GET', url, headers: {} }, TEST_REGION));
    return new Promise((resolve, reject) => {
      http
        .get(url, { headers: signed.headers }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, errorType: res.headers['x-amzn-errortype'] as string | undefined }));
        })
        .on('error', reject);
    });
  }

  it("refuses, as AMP does, an endpoint the signer's role has no action for", async () => {
    const refused = await send('rules', 'query');
    expect(refused).toEqual({
      status: 403,
      errorType: 'AccessDeniedException',
      body: JSON.stringify({
        message:
          'User: arn:aws:sts::123456789012:assumed-role/prometheus-tools-QueryFunctionRole/session is not authorized to perform: aps:ListRules ' +
          `on resource: ${workspaceArn(TEST_WORKSPACE_ID)} because no identity-based policy allows the aps:ListRules action`,
      }),
    });
    expect((await send('rules', 'alerting')).status).toBe(200);
  });

  it("refuses a function called without its role (the tests' own credentials may do nothing)", async () => {
    const saved = { ...process.env };
    process.env.PROMETHEUS_URL = harness.front.workspaceUrl;
    let handler: Handler | undefined;
    try {
      await jest.isolateModulesAsync(async () => {
        handler = (await import('../../src/handlers/query')).handler;
      });
    } finally {
      process.env = saved;
    }
    // Not through the harness: signed with the environment's credentials, NOBODY's.
    const result = await handler!({ query: 'up', time: T0 }, lambdaContext());
    expect(result).toEqual({
      status: 'error',
      error: {
        type: 'access_denied',
        message:
          'Prometheus refused the request (HTTP 403): User: arn:aws:sts::123456789012:assumed-role/tests-without-a-function-role/session ' +
          `is not authorized to perform: aps:QueryMetrics on resource: ${workspaceArn(TEST_WORKSPACE_ID)} because no identity-based policy allows the aps:QueryMetrics action`,
      },
    });
    expect(NOBODY.statements).toEqual([]);
  });

  it('refuses an access key it does not know', async () => {
    const url = new URL(`${harness.front.workspaceUrl}/api/v1/query?query=up`);
    const saved = { id: process.env.AWS_ACCESS_KEY_ID };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDNOBODYKNOWS';
    let signed;
    try {
      signed = await signRequest({ method: 'GET', url, headers: {} }, TEST_REGION);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
    }
    const status = await new Promise<number>((resolve, reject) => {
      http.get(url, { headers: signed.headers }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
    });
    expect(status).toBe(403);
    expect(harness.front.requests.at(-1)!.signatureError).toBe('unknown access key');
  });

  it("gives the query function's hints through its own role: GetLabels is allowed", async () => {
    const query = await loadHandler('query', { PROMETHEUS_URL: harness.front.workspaceUrl });
    const result = envelopeOf(await query({ query: 'up{job="nodes"}', time: T0 }, lambdaContext())) as ReturnType<typeof envelopeOf> & { hints?: string[] };
    expect(result.hints).toEqual(['no series of up has job="nodes" between 2023-03-31T23:55:00Z and 2023-04-01T00:00:00Z; values that exist: "node", "prometheus"']);
    expect(harness.front.requests.map((r) => [r.endpoint, r.role, r.status])).toEqual([
      ['query', 'prometheus-tools-QueryFunctionRole', 200],
      ['label/__name__/values', 'prometheus-tools-QueryFunctionRole', 200],
      ['label/__name__/values', 'prometheus-tools-QueryFunctionRole', 200],
      ['label/__name__/values', 'prometheus-tools-QueryFunctionRole', 200],
      ['label/job/values', 'prometheus-tools-QueryFunctionRole', 200],
    ]);
  });
});

describe('a role without the action its code needs (the query role before GetLabels)', () => {
  let front: AmpFront;
  beforeAll(async () => {
    const query = functionIdentities().get('query')!;
    const withoutGetLabels: Identity = {
      ...query,
      statements: query.statements.map((s) => ({ ...s, Action: ([] as string[]).concat(s.Action).filter((a) => a !== 'aps:GetLabels') })),
    };
    front = await startAmpFront({ upstream: process.env.LOCAL_PROMETHEUS_URL!, workspaces: [TEST_WORKSPACE_ID], region: TEST_REGION, identities: [withoutGetLabels] });
  });
  afterAll(() => front.stop());

  it('is refused by the front as on AWS: the empty answer loses its hints', async () => {
    const query = await loadHandler('query', { PROMETHEUS_URL: front.workspaceUrl });
    const result = envelopeOf(await query({ query: 'up{job="nodes"}', time: T0 }, lambdaContext()));
    expect(result).toEqual({ status: 'success', data: { resultType: 'vector', result: [] }, samples_processed: 0 });
    expect(front.requests.map((r) => [r.endpoint, r.status])).toEqual([
      ['query', 200],
      ['label/__name__/values', 403],
    ]);
    expect(front.requests[1]!.accessDenied).toMatch(/is not authorized to perform: aps:GetLabels on resource: arn:aws:aps:us-east-1:123456789012:workspace\//);
  });
});

describe("AMP's control plane (mocked), authorised per role", () => {
  const amp = mockClient(AmpClient);
  enforceControlPlaneIam(AmpClient, amp);
  beforeEach(() => {
    amp.reset();
    clearWorkspaceCache();
    amp.on(DescribeWorkspaceCommand).resolves({
      workspace: {
        workspaceId: OTHER_WORKSPACE,
        arn: workspaceArn(OTHER_WORKSPACE),
        status: { statusCode: 'ACTIVE' },
        prometheusEndpoint: `${harness.front.url}/workspaces/${OTHER_WORKSPACE}/`,
      },
    } as never);
    amp.on(ListWorkspacesCommand).resolves({ workspaces: [] });
  });

  it('refuses DescribeWorkspace of a workspace the role does not name: access_denied, a fault', async () => {
    const query = await loadHandler('query', {});
    const result = envelopeOf(await query({ query: 'up', workspace_id: OTHER_WORKSPACE }, lambdaContext()));
    expect(result).toEqual({
      status: 'error',
      error: { type: 'access_denied', message: `the function's role may not describe workspace ${OTHER_WORKSPACE} in us-east-1 (aps:DescribeWorkspace)` },
    });
    expect(harness.front.requests).toEqual([]);
  });

  it('allows ListWorkspaces to the router in the stack region, and refuses it in another', async () => {
    const query = await loadHandler('integration', {});
    expect(envelopeOf(await query({ operation: 'list_workspaces' }, lambdaContext())).status).toBe('success');
    const elsewhere = await loadHandler('integration', { AWS_REGION: 'eu-west-1' });
    expect(envelopeOf(await elsewhere({ operation: 'list_workspaces' }, lambdaContext()))).toEqual({
      status: 'error',
      error: { type: 'access_denied', message: "the function's role may not list the workspaces in eu-west-1 (aps:ListWorkspaces)" },
    });
    expect(functionCredentials('integration').accessKeyId).toBe('AKIDINTEGRATIONFUNCTION');
  });
});
