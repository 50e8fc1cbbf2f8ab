import { asFunction, withinLambdaLimit, type Handler } from '../support/harness';
import { enforceControlPlaneIam } from '../support/amp-control';
import { AmpClient, DescribeWorkspaceCommand } from '@aws-sdk/client-amp';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as serverInfoHandler } from '../../src/handlers/server-info';
import { handler as queryHandler } from '../../src/handlers/query';
import type { AmpFront } from '../support/amp-front';
import { startTestFront } from '../support/harness';
import { TEST_WORKSPACE_ID } from '../support/credentials';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { config } from '../../src/shared/config';

// Every call fails, as on Lambda, when its response is over Lambda's 6 MB limit.
// Each signs with its own role, which the front and the control plane authorise.
const serverInfo = withinLambdaLimit(asFunction('server-info', serverInfoHandler as Handler));
const query = withinLambdaLimit(asFunction('query', queryHandler as Handler));

/**
 * Without PROMETHEUS_URL, the functions find the workspace's endpoint through
 * DescribeWorkspace (mocked: AWS cannot run here) and query the real Prometheus
 * behind the AMP-like front there, signed.
 */

const amp = mockClient(AmpClient);
enforceControlPlaneIam(AmpClient, amp);
import { UP_AT_T0_SAMPLES } from '../fixtures/expected';

const T0 = 1680307200;
let front: AmpFront;

beforeAll(async () => {
  front = await startTestFront();
  amp.on(DescribeWorkspaceCommand, { workspaceId: TEST_WORKSPACE_ID }).resolves({
    workspace: {
      workspaceId: TEST_WORKSPACE_ID,
      alias: 'sre-metrics',
      arn: `arn:aws:aps:us-east-1:123456789012:workspace/${TEST_WORKSPACE_ID}`,
      status: { statusCode: 'ACTIVE' },
      prometheusEndpoint: `${front.workspaceUrl}/`,
    },
  } as never);
});
afterAll(async () => front.stop());

it('queries the endpoint DescribeWorkspace gives, signed, and describes it once', async () => {
  const first = await query({ workspace_id: TEST_WORKSPACE_ID, query: 'sum(up)', time: T0 }, lambdaContext());
  const second = await query({ workspace_id: TEST_WORKSPACE_ID, query: 'count(up)', time: T0 }, lambdaContext());
  expect(first).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] }, samples_processed: UP_AT_T0_SAMPLES });
  expect(second).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '3'] }] }, samples_processed: UP_AT_T0_SAMPLES });
  expect(amp.commandCalls(DescribeWorkspaceCommand)).toHaveLength(1);
  expect(front.requests.map((r) => [r.workspaceId, r.endpoint, r.signatureError])).toEqual([
    [TEST_WORKSPACE_ID, 'query', undefined],
    [TEST_WORKSPACE_ID, 'query', undefined],
  ]);
});

it('describes the workspace as AMP does in server-info, without build info', async () => {
  const result = (await serverInfo({ workspace_id: TEST_WORKSPACE_ID }, lambdaContext())) as { status: string; data: any };
  expect(result.status).toBe('success');
  expect(result.data).toMatchObject({
    workspace: {
      workspace_id: TEST_WORKSPACE_ID,
      alias: 'sre-metrics',
      status: 'ACTIVE',
      arn: `arn:aws:aps:us-east-1:123456789012:workspace/${TEST_WORKSPACE_ID}`,
      prometheus_endpoint: `${front.workspaceUrl}/`,
    },
    region: 'us-east-1',
    query_endpoint: `${front.workspaceUrl}/api/v1`,
    source: 'DescribeWorkspace',
    reachability: { reachable: true },
  });
  expect(result.data.build_info).toBeUndefined();
});

describe("AMP's samples-processed thresholds", () => {
  const saved = { ...config.samplesThresholds };
  beforeEach(() => {
    front.requests.length = 0;
    front.fault = undefined;
  });
  afterEach(() => {
    config.samplesThresholds = { ...saved };
  });
  const sent = () => {
    const { params } = front.requests[0]!;
    return [params.max_samples_processed_warning_threshold, params.max_samples_processed_error_threshold];
  };

  it("go with every query to AMP, set by the deployment", async () => {
    config.samplesThresholds = { warning: 500_000, error: 2_000_000 };
    await query({ workspace_id: TEST_WORKSPACE_ID, query: 'sum(up)', time: T0 }, lambdaContext());
    expect(sent()).toEqual([['500000'], ['2000000']]);
  });

  it('may be lowered by a call, never raised (the note says so)', async () => {
    config.samplesThresholds = { warning: 500_000, error: 2_000_000 };
    const result = (await query(
      { workspace_id: TEST_WORKSPACE_ID, query: 'sum(up)', time: T0, max_samples_processed_warning_threshold: 1000, max_samples_processed_error_threshold: '9000000' },
      lambdaContext(),
    )) as { note?: string; truncated?: boolean };
    expect(sent()).toEqual([['1000'], ['2000000']]);
    expect(result.truncated).toBeUndefined();
    expect(result.note).toBe("max_samples_processed_error_threshold 9000000 is above the deployment's 2000000: 2000000 was used");
  });

  it("pass AMP's warning on to the agent", async () => {
    const warning = 'query processed 1200 samples, above max_samples_processed_warning_threshold 1000';
    front.fault = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] }, warnings: [warning] }));
      return req.endpoint === 'query';
    };
    const result = (await query({ workspace_id: TEST_WORKSPACE_ID, query: 'vector(1)', time: T0, max_samples_processed_warning_threshold: 1000 }, lambdaContext())) as { warnings?: string[] };
    expect(result.warnings).toEqual([warning]);
  });

  it('are not sent to a self-managed Prometheus (PROMETHEUS_URL)', async () => {
    const { loadHandler } = await import('../support/harness');
    const direct = await loadHandler('query', { PROMETHEUS_URL: front.workspaceUrl, MAX_SAMPLES_PROCESSED_WARNING_THRESHOLD: '500000' });
    await direct({ query: 'sum(up)', time: T0, max_samples_processed_warning_threshold: 10 }, lambdaContext());
    expect(sent()).toEqual([undefined, undefined]);
  });
});
