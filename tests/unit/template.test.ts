import { existsSync } from 'node:fs';
import path from 'node:path';
import { readTemplate } from '../support/template';

/**
 * What template.yaml promises, so that a later edit cannot quietly drop it: sizing,
 * least privilege, the conditions, the seed's alarms, the dashboard, the outputs.
 */

const ROOT = path.join(__dirname, '..', '..');
const template = readTemplate(path.join(ROOT, 'template.yaml'));
const resources = template.Resources as Record<string, { Type: string; Condition?: string; Properties: any; Metadata?: any }>;

const FUNCTIONS = [
  { id: 'Query', name: 'prometheus-query', file: 'query', memory: 256, timeout: 30, policies: ['QueryWorkspacesPolicy'] },
  { id: 'RangeQuery', name: 'prometheus-range-query', file: 'range-query', memory: 512, timeout: 60, policies: ['QueryWorkspacesPolicy'] },
  { id: 'ListMetrics', name: 'prometheus-list-metrics', file: 'list-metrics', memory: 256, timeout: 30, policies: ['DiscoverWorkspacesPolicy'] },
  { id: 'ServerInfo', name: 'prometheus-server-info', file: 'server-info', memory: 256, timeout: 30, policies: ['QueryWorkspacesPolicy'] },
  { id: 'Integration', name: 'prometheus-integration', file: 'integration', memory: 512, timeout: 60, policies: ['QueryWorkspacesPolicy', 'DiscoverWorkspacesPolicy'] },
];

const noValue = { Ref: 'AWS::NoValue' };
const alarmActions = {
  'Fn::If': ['HasAlarmActions', [{ 'Fn::If': ['HasAlarmTopicArn', { Ref: 'AlarmTopicArn' }, { Ref: 'AlarmTopic' }] }], noValue],
};

describe('Globals', () => {
  const fn = template.Globals.Function;
  it('sets the runtime, architecture, tracing, JSON logs and Powertools variables once', () => {
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Tracing: 'Active', LoggingConfig: { LogFormat: 'JSON' } });
    expect(fn.Environment.Variables).toEqual({
      POWERTOOLS_SERVICE_NAME: { Ref: 'AWS::StackName' },
      POWERTOOLS_METRICS_NAMESPACE: 'PrometheusTools',
      POWERTOOLS_LOG_LEVEL: { Ref: 'LogLevel' },
      WORKSPACE_ID: { Ref: 'WorkspaceId' },
      RESPONSE_BUDGET_BYTES: { Ref: 'ResponseBudgetBytes' },
      ALLOWED_WORKSPACE_IDS: { 'Fn::Join': [',', [{ Ref: 'WorkspaceId' }, { 'Fn::Join': [',', { Ref: 'AllowedWorkspaceIds' }] }]] },
    });
  });

  it('uses the VPC, provisioned and reserved concurrency only when asked', () => {
    expect(fn.VpcConfig).toEqual({
      'Fn::If': ['HasVpc', { SubnetIds: { Ref: 'SubnetIds' }, SecurityGroupIds: { Ref: 'SecurityGroupIds' } }, noValue],
    });
    expect(fn.ProvisionedConcurrencyConfig).toEqual({
      'Fn::If': ['HasProvisionedConcurrency', { ProvisionedConcurrentExecutions: { Ref: 'ProvisionedConcurrency' } }, noValue],
    });
    expect(fn.ReservedConcurrentExecutions).toEqual({ 'Fn::If': ['HasReservedConcurrency', { Ref: 'ReservedConcurrency' }, noValue] });
    expect(template.Conditions.HasVpc).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', { Ref: 'SubnetIds' }] }, ''] }] });
    expect(template.Conditions.HasProvisionedConcurrency).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ProvisionedConcurrency' }, 0] }] });
    expect(template.Conditions.HasReservedConcurrency).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ReservedConcurrency' }, 0] }] });
  });
});

describe.each(FUNCTIONS)('$name', ({ id, name, file, memory, timeout, policies }) => {
  const fn = resources[`${id}Function`]!;

  it('is named after the stack, sized as the seed says, and built with esbuild from its handler', () => {
    expect(fn.Type).toBe('AWS::Serverless::Function');
    expect(fn.Properties).toMatchObject({
      FunctionName: { 'Fn::Sub': `\${AWS::StackName}-${name}` },
      Handler: `${file}.handler`,
      MemorySize: memory,
      Timeout: timeout,
    });
    expect(fn.Metadata).toMatchObject({
      BuildMethod: 'esbuild',
      BuildProperties: {
        Minify: true,
        Target: 'node20',
        Sourcemap: false,
        EntryPoints: [`src/handlers/${file}.ts`],
        External: ['@aws-sdk/client-amp', '@aws-sdk/credential-provider-node'],
      },
    });
    expect(existsSync(path.join(ROOT, 'src', 'handlers', `${file}.ts`))).toBe(true);
  });

  it('logs to its own log group, with the retention parameter', () => {
    expect(fn.Properties.LoggingConfig).toEqual({ LogFormat: 'JSON', LogGroup: { Ref: `${id}LogGroup` } });
    expect(resources[`${id}LogGroup`]).toEqual({
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: { 'Fn::Sub': `/aws/lambda/\${AWS::StackName}-${name}` }, RetentionInDays: { Ref: 'LogRetentionDays' } },
    });
  });

  it('has its own role: only what it needs on the allowed workspaces, its own logs, the VPC API only in a VPC', () => {
    expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [`${id}FunctionRole`, 'Arn'] });
    expect(fn.Properties.Policies).toBeUndefined();
    const role = resources[`${id}FunctionRole`]!.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(role.ManagedPolicyArns).toEqual([
      ...policies.map((p) => ({ Ref: p })),
      { Ref: 'DescribeWorkspacesPolicy' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AWSXrayWriteOnlyAccess' },
      { 'Fn::If': ['HasVpc', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' }, noValue] },
    ]);
    expect(role.Policies).toEqual([
      {
        PolicyName: 'WriteOwnLogs',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [`${id}LogGroup`, 'Arn'] } },
          ],
        },
      },
    ]);
  });

  it("has the seed's three alarms, sent to the alarm topic when there is one", () => {
    const errorRate = resources[`${id}ErrorRateAlarm`]!.Properties;
    expect(errorRate).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: alarmActions });
    expect(errorRate.Metrics.map((m: { Id: string }) => m.Id)).toEqual(['errors', 'invocations', 'errorRate']);
    expect(errorRate.Metrics[2].Expression).toBe('IF(invocations > 0, 100 * errors / invocations, 0)');
    for (const [i, metric] of [[0, 'Errors'], [1, 'Invocations']] as const) {
      expect(errorRate.Metrics[i].MetricStat.Metric).toEqual({
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${id}Function` } }],
      });
    }

    expect(resources[`${id}DurationAlarm`]!.Properties).toMatchObject({
      MetricName: 'Duration',
      Threshold: timeout * 1000 * 0.8,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${id}Function` } }],
      AlarmActions: alarmActions,
    });
    expect(resources[`${id}ThrottleAlarm`]!.Properties).toMatchObject({
      MetricName: 'Throttles',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${id}Function` } }],
      AlarmActions: alarmActions,
    });
  });

  it('is on the dashboard and in the outputs', () => {
    const body = resources.Dashboard!.Properties.DashboardBody['Fn::Sub'] as string;
    const widgets = JSON.parse(body).widgets as { properties: { title: string; metrics: unknown[][] } }[];
    for (const title of ['Invocations', 'Errors', 'Throttles', 'Duration p50 (ms)', 'Duration p99 (ms)', 'Concurrent executions']) {
      const widget = widgets.find((w) => w.properties.title === title)!;
      expect(widget.properties.metrics.some((m) => m[3] === `\${${id}Function}`)).toBe(true);
    }
    expect(template.Outputs[`${id}FunctionName`].Value).toEqual({ Ref: `${id}Function` });
    expect(template.Outputs[`${id}FunctionArn`].Value).toEqual({ 'Fn::GetAtt': [`${id}Function`, 'Arn'] });
  });
});

describe('least privilege', () => {
  const policy = (id: string) => resources[id]!.Properties.PolicyDocument.Statement;

  it('grants exact AMP actions, no wildcard', () => {
    expect(policy('QueryWorkspacesPolicy').map((s: { Action: string[] }) => s.Action)).toEqual([['aps:QueryMetrics']]);
    expect(policy('DiscoverWorkspacesPolicy').map((s: { Action: string[] }) => s.Action)).toEqual([
      ['aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata'],
    ]);
    expect(policy('DescribeWorkspacesPolicy').map((s: { Action: string[] }) => s.Action)).toEqual([['aps:DescribeWorkspace']]);
  });

  it('on the default workspace and the up to five allowed ones only', () => {
    const arn = (id: string) => `arn:\${AWS::Partition}:aps:\${AWS::Region}:\${AWS::AccountId}:workspace/${id}`;
    for (const id of ['QueryWorkspacesPolicy', 'DiscoverWorkspacesPolicy', 'DescribeWorkspacesPolicy']) {
      const [statement] = policy(id);
      expect(statement.Effect).toBe('Allow');
      expect(statement.Resource[0]).toEqual({ 'Fn::Sub': arn('${WorkspaceId}') });
      expect(statement.Resource.slice(1)).toEqual(
        [1, 2, 3, 4, 5].map((n) => ({
          'Fn::If': [
            `HasAllowedWorkspace${n}`,
            { 'Fn::Sub': [arn('${Id}'), { Id: { 'Fn::Select': [n - 1, expect.anything()] } }] },
            noValue,
          ],
        })),
      );
    }
  });

  it('has no action wildcard anywhere in the template', () => {
    expect(JSON.stringify(template)).not.toMatch(/"(aps|iam|lambda|logs|ec2):\*"|"Action":"\*"/);
  });
});

describe('alarm topic and dashboard', () => {
  it('creates a topic only for an e-mail address without a topic ARN', () => {
    expect(resources.AlarmTopic).toMatchObject({
      Type: 'AWS::SNS::Topic',
      Condition: 'CreateAlarmTopic',
      Properties: { Subscription: [{ Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } }] },
    });
    expect(template.Conditions.HasAlarmActions).toEqual({ 'Fn::Or': [{ Condition: 'HasAlarmTopicArn' }, { Condition: 'CreateAlarmTopic' }] });
  });

  it("graphs the functions' own EMF metrics per operation", () => {
    const body = JSON.parse(resources.Dashboard!.Properties.DashboardBody['Fn::Sub']);
    const emf = body.widgets.flatMap((w: { properties: { metrics: string[][] } }) => w.properties.metrics).filter((m: string[]) => m[0] === 'PrometheusTools');
    expect([...new Set(emf.map((m: string[]) => m[1]))].sort()).toEqual(['Latency', 'Retries', 'SeriesReturned', 'UpstreamErrors']);
    expect([...new Set(emf.map((m: string[]) => m[5]))].sort()).toEqual(['list_metrics', 'query', 'range_query', 'server_info']);
    expect(template.Outputs.DashboardUrl.Value['Fn::Sub']).toContain('#dashboards:name=${Dashboard}');
  });
});

describe('parameters', () => {
  it('asks for the default workspace in the AMP format, and has defaults for the rest', () => {
    const p = template.Parameters;
    expect(p.WorkspaceId.Default).toBeUndefined();
    expect(new RegExp(p.WorkspaceId.AllowedPattern).test('ws-12345678-abcd-1234-efgh-123456789012')).toBe(true);
    for (const name of ['AllowedWorkspaceIds', 'LogLevel', 'LogRetentionDays', 'SubnetIds', 'SecurityGroupIds', 'ProvisionedConcurrency', 'ReservedConcurrency', 'AlarmEmail', 'AlarmTopicArn']) {
      expect(p[name].Default).toBeDefined();
    }
  });
});
