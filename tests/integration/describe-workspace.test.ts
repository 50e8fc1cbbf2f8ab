import { withinLambdaLimit, type Handler } from '../support/harness';
import { AmpClient, DescribeWorkspaceCommand } from '@aws-sdk/client-amp';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as serverInfoHandler } from '../../src/handlers/server-info';
import { handler as queryHandler } from '../../src/handlers/query';
import type { AmpFront } from '../support/amp-front';
import { startTestFront } from '../support/harness';
import { TEST_WORKSPACE_ID } from '../support/credentials';
import { lambdaContext } from '../../scripts/lib/lambda-context';

// Every call fails, as on Lambda, when its response is over Lambda's 6 MB limit.
const serverInfo = withinLambdaLimit(serverInfoHandler as Handler);
const query = withinLambdaLimit(queryHandler as Handler);

/**
 * Without PROMETHEUS_URL, the functions find the workspace's endpoint through
 * DescribeWorkspace (mocked: AWS cannot run here) and query the real Prometheus
 * behind the AMP-like front there, signed.
 */

const amp = mockClient(AmpClient);
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
  expect(first).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] } });
  expect(second).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '3'] }] } });
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
