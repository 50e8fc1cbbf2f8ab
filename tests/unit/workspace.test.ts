import { AmpClient, DescribeWorkspaceCommand } from '@aws-sdk/client-amp';
import { mockClient } from 'aws-sdk-client-mock';
import { loadConfig } from '../../src/shared/config';
import { clearWorkspaceCache, resolveTarget } from '../../src/shared/workspace';

const WS = 'ws-12345678-abcd-1234-efgh-123456789012';
const amp = mockClient(AmpClient);
const config = loadConfig({ AWS_REGION: 'us-east-1' });
const deadline = () => Date.now() + 5000;

function described(statusCode: string) {
  return {
    workspace: {
      workspaceId: WS,
      alias: 'production',
      arn: `arn:aws:aps:us-east-1:123456789012:workspace/${WS}`,
      status: { statusCode },
      prometheusEndpoint: `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WS}/`,
      createdAt: new Date('2023-04-01T00:00:00Z'),
    },
  } as never;
}

beforeEach(() => {
  amp.reset();
  clearWorkspaceCache();
});

describe('resolveTarget', () => {
  it("queries the workspace's own endpoint, from DescribeWorkspace", async () => {
    amp.on(DescribeWorkspaceCommand, { workspaceId: WS }).resolves(described('ACTIVE'));
    const target = await resolveTarget({ workspace_id: WS }, config, deadline());
    expect(target).toEqual({
      baseUrl: new URL(`https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WS}/api/v1`),
      // AMP's Alertmanager API of the workspace (ListAlertManagerAlerts: /workspaces/{id}/alertmanager/api/v2/alerts).
      alertmanagerUrl: new URL(`https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WS}/alertmanager/api/v2`),
      region: 'us-east-1',
      sigv4: true,
      service: 'aps',
      source: 'DescribeWorkspace',
      workspace: {
        workspace_id: WS,
        alias: 'production',
        status: 'ACTIVE',
        arn: `arn:aws:aps:us-east-1:123456789012:workspace/${WS}`,
        prometheus_endpoint: `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WS}/`,
      },
    });
  });

  it('describes a workspace once per container while the cache holds', async () => {
    amp.on(DescribeWorkspaceCommand).resolves(described('ACTIVE'));
    await resolveTarget({ workspace_id: WS }, config, deadline());
    await resolveTarget({ workspace_id: WS }, config, deadline());
    expect(amp.commandCalls(DescribeWorkspaceCommand)).toHaveLength(1);
    await resolveTarget({ workspace_id: WS, region: 'eu-west-1' }, config, deadline());
    expect(amp.commandCalls(DescribeWorkspaceCommand)).toHaveLength(2);
  });

  it('uses the default workspace and region', async () => {
    amp.on(DescribeWorkspaceCommand).resolves(described('ACTIVE'));
    const target = await resolveTarget({}, loadConfig({ AWS_REGION: 'us-east-1', WORKSPACE_ID: WS }), deadline());
    expect(target.workspace?.workspace_id).toBe(WS);
    expect(amp.commandCalls(DescribeWorkspaceCommand)[0]!.args[0].input).toEqual({ workspaceId: WS });
  });

  it('serves an UPDATING workspace and refuses one that is not queryable, uncached', async () => {
    amp.on(DescribeWorkspaceCommand).resolvesOnce(described('CREATING')).resolves(described('UPDATING'));
    await expect(resolveTarget({ workspace_id: WS }, config, deadline())).rejects.toMatchObject({
      statusCode: 404,
      type: 'workspace_not_active',
      message: `workspace ${WS} in us-east-1 is CREATING, not ACTIVE`,
    });
    await expect(resolveTarget({ workspace_id: WS }, config, deadline())).resolves.toMatchObject({
      workspace: { status: 'UPDATING' },
    });
  });

  it.each([
    ['ResourceNotFoundException', 404, 'workspace_not_found', `workspace ${WS} not found in us-east-1`],
    ['AccessDeniedException', 403, 'access_denied', `the function's role may not describe workspace ${WS} in us-east-1 (aps:DescribeWorkspace)`],
    ['ThrottlingException', 429, 'throttled', `DescribeWorkspace was throttled for workspace ${WS}; try again shortly`],
    ['CredentialsProviderError', 500, 'configuration_error', 'no AWS credentials to call DescribeWorkspace with; give the function a role, or set PROMETHEUS_URL'],
    ['InternalServerException', 502, 'upstream_error', `DescribeWorkspace failed for workspace ${WS} in us-east-1: InternalServerException`],
  ])('maps %s to %d', async (name, statusCode, type, message) => {
    amp.on(DescribeWorkspaceCommand).rejects(Object.assign(new Error('AWS says no'), { name }));
    await expect(resolveTarget({ workspace_id: WS }, config, deadline())).rejects.toMatchObject({ statusCode, type, message });
  });

  it('makes no AWS call when PROMETHEUS_URL is set, and keeps its path prefix', async () => {
    const local = loadConfig({ AWS_REGION: 'us-east-1', PROMETHEUS_URL: `http://127.0.0.1:9090/workspaces/${WS}/` });
    const target = await resolveTarget({ workspace_id: WS }, local, deadline());
    expect(target).toEqual({
      baseUrl: new URL(`http://127.0.0.1:9090/workspaces/${WS}/api/v1`),
      region: 'us-east-1',
      sigv4: true,
      service: 'aps',
      source: 'PROMETHEUS_URL',
    });
    expect(amp.commandCalls(DescribeWorkspaceCommand)).toHaveLength(0);
  });

  it('asks for a workspace or a region when there is no default', async () => {
    await expect(resolveTarget({}, config, deadline())).rejects.toThrow(
      "missing required field 'workspace_id' (the function has no default workspace: set WORKSPACE_ID)",
    );
    await expect(resolveTarget({ workspace_id: WS }, loadConfig({}), deadline())).rejects.toThrow(
      "missing field 'region' (the function has no default region: set AWS_REGION)",
    );
  });

  describe('CloudWatch PromQL (workspace_id cloudwatch)', () => {
    const enabled = loadConfig({ AWS_REGION: 'us-east-1', CLOUDWATCH_PROMQL: 'true', WORKSPACE_ID: WS });

    it("goes to the region's monitoring endpoint, signed for monitoring, with no AWS call", async () => {
      await expect(resolveTarget({ workspace_id: 'cloudwatch' }, enabled, deadline())).resolves.toEqual({
        baseUrl: new URL('https://monitoring.us-east-1.amazonaws.com/api/v1'),
        region: 'us-east-1',
        sigv4: true,
        service: 'monitoring',
        source: 'CloudWatch',
      });
      await expect(resolveTarget({ workspace_id: 'cloudwatch', region: 'cn-north-1' }, enabled, deadline())).resolves.toMatchObject({
        baseUrl: new URL('https://monitoring.cn-north-1.amazonaws.com.cn/api/v1'),
        region: 'cn-north-1',
      });
      expect(amp.commandCalls(DescribeWorkspaceCommand)).toHaveLength(0);
    });

    it('is the default of a deployment of CloudWatch alone; a workspace stays the default beside it', async () => {
      const alone = loadConfig({ AWS_REGION: 'eu-west-1', CLOUDWATCH_PROMQL: 'true' });
      await expect(resolveTarget({}, alone, deadline())).resolves.toMatchObject({ source: 'CloudWatch', service: 'monitoring' });
      amp.on(DescribeWorkspaceCommand).resolves(described('ACTIVE'));
      await expect(resolveTarget({}, enabled, deadline())).resolves.toMatchObject({ source: 'DescribeWorkspace', service: 'aps' });
    });

    it('uses CLOUDWATCH_ENDPOINT (a stand-in) with its path prefix, also beside PROMETHEUS_URL', async () => {
      const local = loadConfig({
        AWS_REGION: 'us-east-1',
        PROMETHEUS_URL: 'http://127.0.0.1:9090',
        PROMETHEUS_SIGV4: 'false',
        CLOUDWATCH_PROMQL: 'true',
        CLOUDWATCH_ENDPOINT: 'http://127.0.0.1:9091/cw/',
      });
      await expect(resolveTarget({ workspace_id: 'cloudwatch' }, local, deadline())).resolves.toEqual({
        baseUrl: new URL('http://127.0.0.1:9091/cw/api/v1'),
        region: 'us-east-1',
        sigv4: true,
        service: 'monitoring',
        source: 'CloudWatch',
      });
      await expect(resolveTarget({}, local, deadline())).resolves.toMatchObject({ source: 'PROMETHEUS_URL', sigv4: false, service: 'aps' });
    });

    it('is refused where not enabled, and needs a region', async () => {
      await expect(resolveTarget({ workspace_id: 'cloudwatch' }, config, deadline())).rejects.toMatchObject({
        statusCode: 400,
        type: 'validation_error',
        message: 'CloudWatch PromQL is not enabled on this deployment (template parameter CloudWatchPromQL=true)',
      });
      await expect(resolveTarget({ workspace_id: 'cloudwatch' }, loadConfig({ CLOUDWATCH_PROMQL: 'true' }), deadline())).rejects.toThrow(
        "missing field 'region' (the function has no default region: set AWS_REGION)",
      );
      expect(amp.commandCalls(DescribeWorkspaceCommand)).toHaveLength(0);
    });
  });
});
