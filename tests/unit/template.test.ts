import { existsSync } from 'node:fs';
import path from 'node:path';
import { REGISTRY } from '../../src/operations';
import { TOOLS } from '../../src/tools';
import { REPLACED } from '../../src/tools/replaced';
import { actionsFor, cloudWatchActionsFor, writeActionsFor, type Call } from '../../src/shared/calls';
import { TEST_REGION } from '../support/credentials';
import { authorize, authorizeCloudWatch, CLOUDWATCH_RESOURCE, cloudWatchActionsForPath, functionIdentities } from '../support/iam';
import { readTemplate, readTemplateSource } from '../support/template';

/**
 * What template.yaml promises, read as CloudFormation sees it once its Fn::ForEach
 * loops are expanded, so that a later edit cannot quietly drop it: sizing, least
 * privilege, the conditions, the alarms and the metrics they read, names that fit any
 * stack name, the dashboard, the outputs.
 */

const ROOT = path.join(__dirname, '..', '..');
const FILE = path.join(ROOT, 'template.yaml');
const template = readTemplate(FILE);
const resources = template.Resources as Record<string, { Type: string; Condition?: string; Properties: any; Metadata?: any }>;

/**
 * Each function's permissions follow from the registry: exactly the IAM actions of every
 * call the operations its handler serves can make (src/operations/*.ts, hints included),
 * AMP's always, CloudWatch's where the stack enables CloudWatch PromQL.
 */
function callsOf(file: string, cloudWatch = false): Call[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(`../../src/handlers/${file}`) as { handler: { operations: readonly string[] } };
  return handler.operations.flatMap((name) => {
    const op = REGISTRY.find((o) => o.name === name)!;
    return cloudWatch ? (op.cloudWatchCalls ?? op.calls) : op.calls;
  });
}
const FUNCTIONS = [
  { id: 'Query', file: 'query', memory: 256, timeout: 30 },
  { id: 'RangeQuery', file: 'range-query', memory: 512, timeout: 60 },
  { id: 'ListMetrics', file: 'list-metrics', memory: 256, timeout: 30 },
  { id: 'ServerInfo', file: 'server-info', memory: 256, timeout: 30 },
  { id: 'Discovery', file: 'discovery', memory: 512, timeout: 30 },
  { id: 'Alerting', file: 'alerting', memory: 256, timeout: 30 },
  { id: 'Workspaces', file: 'workspaces', memory: 256, timeout: 30 },
  { id: 'Integration', file: 'integration', memory: 512, timeout: 60 },
].map((f) => ({
  ...f,
  actions: actionsFor(callsOf(f.file)),
  writeActions: writeActionsFor(callsOf(f.file)),
  cloudWatchActions: cloudWatchActionsFor(callsOf(f.file, true)),
}));

const noValue = { Ref: 'AWS::NoValue' };
const alarmActions = {
  'Fn::If': ['HasAlarmActions', [{ 'Fn::If': ['HasAlarmTopicArn', { Ref: 'AlarmTopicArn' }, { Ref: 'AlarmTopic' }] }], noValue],
};
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** Evaluates the intrinsics a name is built from, for one stack. */
function evaluate(node: unknown, stack: { name: string; id: string }): unknown {
  if (typeof node === 'string' || typeof node === 'number') return node;
  if (Array.isArray(node)) return node.map((n) => evaluate(n, stack));
  const [[fn, args]] = Object.entries(node as Record<string, any>) as [[string, any]];
  const pseudo: Record<string, string> = { 'AWS::StackName': stack.name, 'AWS::StackId': stack.id, 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::Partition': 'aws' };
  switch (fn) {
    case 'Ref':
      return pseudo[args] ?? `<${args}>`;
    case 'Fn::Sub':
      return (args as string).replace(/\$\{([\w:]+)\}/g, (_, name: string) => pseudo[name] ?? `<${name}>`);
    case 'Fn::Join':
      return (evaluate(args[1], stack) as string[]).join(args[0]);
    case 'Fn::Split':
      return (evaluate(args[1], stack) as string).split(args[0]);
    case 'Fn::Select':
      return (evaluate(args[1], stack) as string[])[args[0]];
    default:
      throw new Error(`cannot evaluate ${fn}`);
  }
}

describe('the template', () => {
  it('expands Fn::ForEach with AWS::LanguageExtensions, before the SAM transform, locally too (samconfig.toml)', () => {
    expect(template.Transform).toEqual(['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31']);
    expect(readTemplateSource(FILE).Resources['Fn::ForEach::Functions'][1]).toEqual(FUNCTIONS.map((f) => f.id));
  });

  it('has exactly these functions, each from one entry of Mappings.Functions', () => {
    expect(ofType('AWS::Serverless::Function').map(([id]) => id)).toEqual(FUNCTIONS.map((f) => `${f.id}Function`));
    expect(Object.keys(template.Mappings.Functions)).toEqual(FUNCTIONS.map((f) => f.id));
  });

  it('keeps its parameters', () => {
    expect(Object.keys(template.Parameters).sort()).toEqual(
      ['AgentResponseBudgetTokens', 'AlarmEmail', 'AlarmTopicArn', 'AllowSilences', 'AllowedWorkspaceIds', 'CloudWatchPromQL', 'DailySamplesBudget', 'EnableAgentCoreGateway', 'EnabledTools', 'LogLevel', 'MaxSamplesProcessedErrorThreshold', 'MaxSamplesProcessedWarningThreshold', 'MaxSilenceHours', 'LogRetentionDays', 'ProvisionedConcurrency', 'ReservedConcurrency', 'ResponseBudgetBytes', 'SecurityGroupIds', 'SubnetIds', 'VerifySchedule', 'WorkspaceId'].sort(),
    );
  });

  it('keeps its outputs, and gives everything the gateway instructions need', () => {
    expect(Object.keys(template.Outputs)).toEqual([
      ...FUNCTIONS.flatMap((f) => [`${f.id}FunctionName`, `${f.id}FunctionArn`]),
      'VerifyStateMachineArn',
      'GatewayUrl',
      'GatewayTokenEndpoint',
      'GatewayUserPoolId',
      'GatewayClientId',
      'GatewayScope',
      'DashboardUrl',
    ]);
    expect(template.Outputs.GatewayUserPoolId).toMatchObject({ Condition: 'CreateGateway', Value: { Ref: 'GatewayUserPool' } });
    expect(template.Outputs.GatewayClientId.Value).toEqual({ Ref: 'GatewayClient' });
  });
});

describe('Globals', () => {
  const fn = template.Globals.Function;
  it('sets the runtime, architecture, tracing, JSON logs and the variables once', () => {
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Tracing: 'Active', AutoPublishAlias: 'live', LoggingConfig: { LogFormat: 'JSON' } });
    expect(fn.Environment.Variables).toEqual({
      POWERTOOLS_SERVICE_NAME: { Ref: 'AWS::StackName' },
      POWERTOOLS_METRICS_NAMESPACE: 'PrometheusTools',
      POWERTOOLS_LOG_LEVEL: { Ref: 'LogLevel' },
      WORKSPACE_ID: { Ref: 'WorkspaceId' },
      RESPONSE_BUDGET_BYTES: { Ref: 'ResponseBudgetBytes' },
      AGENT_RESPONSE_BUDGET_TOKENS: { Ref: 'AgentResponseBudgetTokens' },
      ENABLED_TOOLS: { Ref: 'EnabledTools' },
      MAX_SAMPLES_PROCESSED_WARNING_THRESHOLD: { Ref: 'MaxSamplesProcessedWarningThreshold' },
      MAX_SAMPLES_PROCESSED_ERROR_THRESHOLD: { Ref: 'MaxSamplesProcessedErrorThreshold' },
      ALLOWED_WORKSPACE_IDS: { 'Fn::Join': [',', [{ Ref: 'WorkspaceId' }, { 'Fn::Join': [',', { Ref: 'AllowedWorkspaceIds' }] }]] },
      ALLOWED_REGIONS: { Ref: 'AWS::Region' },
      CLOUDWATCH_PROMQL: { Ref: 'CloudWatchPromQL' },
      ALLOW_SILENCES: { Ref: 'AllowSilences' },
      MAX_SILENCE_HOURS: { Ref: 'MaxSilenceHours' },
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

describe.each(FUNCTIONS)('$id', ({ id, file, memory, timeout, actions }) => {
  const fn = resources[`${id}Function`]!;

  it('is sized as the seed says, named by CloudFormation, and built by the Makefile from its handler', () => {
    expect(fn.Properties).toEqual({
      Description: template.Mappings.Functions[id].Description,
      CodeUri: 'src',
      Handler: `${file}.handler`,
      MemorySize: memory,
      Timeout: timeout,
      Role: { 'Fn::GetAtt': [`${id}FunctionRole`, 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: `${id}LogGroup` } },
    });
    // scripts/build-function.mjs bundles src/handlers/<Entry>.ts; the built bundles are tested in integration.
    expect(fn.Metadata).toMatchObject({ BuildMethod: 'makefile', ContextPath: '.', WorkingDirectory: '.' });
    expect(template.Mappings.Functions[id].Entry).toBe(file);
    expect(existsSync(path.join(ROOT, 'src', 'handlers', `${file}.ts`))).toBe(true);
  });

  it('logs to its own log group, with the retention parameter', () => {
    expect(resources[`${id}LogGroup`]).toEqual({
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: { 'Fn::Sub': `/aws/lambda/\${AWS::StackName}-prometheus-${file}` }, RetentionInDays: { Ref: 'LogRetentionDays' } },
    });
  });

  it('has its own role: exactly its aps: actions on the allowed workspaces, its own logs, X-Ray, the VPC API only in a VPC', () => {
    const role = resources[`${id}FunctionRole`]!.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(role.ManagedPolicyArns).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AWSXrayWriteOnlyAccess' },
      { 'Fn::If': ['HasVpc', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' }, noValue] },
    ]);
    const arn = 'arn:${AWS::Partition}:aps:${AWS::Region}:${AWS::AccountId}:workspace/';
    const padded = { 'Fn::Split': [',', { 'Fn::Join': [',', [{ 'Fn::Join': [',', { Ref: 'AllowedWorkspaceIds' }] }, ',,,,']] }] };
    expect(role.Policies).toEqual([
      {
        PolicyName: 'AllowedWorkspaces',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: actions,
              Resource: [
                { 'Fn::Sub': `${arn}\${WorkspaceId}` },
                ...[0, 1, 2, 3, 4].map((i) => ({
                  'Fn::If': [`HasAllowedWorkspace${i + 1}`, { 'Fn::Sub': [`${arn}\${Id}`, { Id: { 'Fn::Select': [i, padded] } }] }, noValue],
                })),
              ],
            },
          ],
        },
      },
      {
        PolicyName: 'WriteOwnLogs',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [`${id}LogGroup`, 'Arn'] } }],
        },
      },
    ]);
  });

  it('has the write actions of its calls (aps:PutAlertManagerSilences, aps:DeleteAlertManagerSilence) only under SilencesAllowed, on the same workspaces', () => {
    const { writeActions } = FUNCTIONS.find((f) => f.id === id)!;
    expect(template.Mappings.Functions[id].WriteActions).toEqual(writeActions.length === 0 ? undefined : writeActions);
    const policy = resources[`${id}SilencePolicy`];
    if (writeActions.length === 0) {
      expect(policy).toBeUndefined();
      return;
    }
    expect(writeActions).toEqual(['aps:PutAlertManagerSilences', 'aps:DeleteAlertManagerSilence']);
    expect(policy!.Condition).toBe('SilencesAllowed');
    expect(policy!.Properties.Roles).toEqual([{ Ref: `${id}FunctionRole` }]);
    const [statement] = policy!.Properties.PolicyDocument.Statement;
    expect(statement.Action).toEqual(writeActions);
    // The reads' workspaces, no more.
    expect(statement.Resource).toEqual(resources[`${id}FunctionRole`]!.Properties.Policies[0].PolicyDocument.Statement[0].Resource);
  });

  it('alarms on its fault rate from its own metrics, on crashes, on duration near its timeout and on throttles', () => {
    const emf = (metric: string) => ({
      Namespace: 'PrometheusTools',
      MetricName: metric,
      Dimensions: [
        { Name: 'service', Value: { Ref: 'AWS::StackName' } },
        { Name: 'function_name', Value: { Ref: `${id}Function` } },
      ],
    });
    const lambda = [{ Name: 'FunctionName', Value: { Ref: `${id}Function` } }];
    const common = { ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching', AlarmActions: alarmActions };

    expect(resources[`${id}ErrorRateAlarm`]!.Properties).toEqual({
      ...common,
      AlarmDescription: { 'Fn::Sub': `\${${id}Function} answered more than 1% of its requests with a fault (an IAM or SigV4 403, a 429 or a 5xx; not a mistake of the caller) over 5 minutes` },
      Threshold: 1,
      Metrics: [
        { Id: 'faults', ReturnData: false, MetricStat: { Metric: emf('Faults'), Period: 300, Stat: 'Sum' } },
        { Id: 'requests', ReturnData: false, MetricStat: { Metric: emf('Requests'), Period: 300, Stat: 'Sum' } },
        { Id: 'faultRate', Label: 'Fault rate (%)', Expression: '100 * faults / requests', ReturnData: true },
      ],
    });
    expect(resources[`${id}CrashAlarm`]!.Properties).toEqual({
      ...common,
      AlarmDescription: { 'Fn::Sub': `\${${id}Function} crashed (an error no envelope caught)` },
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: lambda,
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
    });
    const duration = resources[`${id}DurationAlarm`]!.Properties;
    expect(duration).toEqual({
      ...common,
      AlarmDescription: { 'Fn::Sub': `\${${id}Function} took more than 80% of its timeout` },
      Threshold: 80,
      Metrics: [
        { Id: 'duration', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Duration', Dimensions: lambda }, Period: 300, Stat: 'Maximum' } },
        { Id: 'percentOfTimeout', Label: 'Duration (% of the timeout)', Expression: `duration / (10 * ${timeout})`, ReturnData: true },
      ],
    });
    // Breaches just past 80% of the timeout (Duration is in ms), not at it.
    const percent = (ms: number) => Function('duration', `return ${duration.Metrics[1].Expression}`)(ms) as number;
    expect([percent(timeout * 800), percent(timeout * 800 + 10)].map((p) => p > duration.Threshold)).toEqual([false, true]);
    expect(resources[`${id}ThrottleAlarm`]!.Properties).toEqual({
      ...common,
      AlarmDescription: { 'Fn::Sub': `\${${id}Function} throttled` },
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: lambda,
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
    });
  });

  it('may be invoked by the verification, and its name and ARN are outputs', () => {
    expect(resources[`${id}VerifyInvokePolicy`]).toEqual({
      Type: 'AWS::IAM::RolePolicy',
      Properties: {
        RoleName: { Ref: 'VerifyStateMachineRole' },
        PolicyName: `Invoke${id}Function`,
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::Sub': `\${${id}Function.Arn}:live` } }] },
      },
    });
    expect(template.Outputs[`${id}FunctionName`].Value).toEqual({ Ref: `${id}Function` });
    expect(template.Outputs[`${id}FunctionArn`].Value).toEqual({ 'Fn::GetAtt': [`${id}Function`, 'Arn'] });
  });
});

describe('least privilege', () => {
  it('has no action wildcard but the account’s own administration of its alarm key', () => {
    const text = JSON.stringify({ ...template, Resources: { ...resources, AlarmTopicKey: undefined } });
    expect(text).not.toMatch(/"[a-z0-9-]+:\*"|"Action":"\*"/);
  });

  it('allows the default workspace and up to five more, one condition per slot', () => {
    const padded = { 'Fn::Split': [',', { 'Fn::Join': [',', [{ 'Fn::Join': [',', { Ref: 'AllowedWorkspaceIds' }] }, ',,,,']] }] };
    for (const i of [0, 1, 2, 3, 4]) {
      expect(template.Conditions[`HasAllowedWorkspace${i + 1}`]).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Select': [i, padded] }, ''] }] });
    }
    const pattern = new RegExp(template.Parameters.AllowedWorkspaceIds.AllowedPattern);
    expect(['', 'ws-12345678-abcd-1234-efgh-123456789012', '*', 'ws-*', ' ws-12345678-abcd-1234-efgh-123456789012'].map((id) => pattern.test(id))).toEqual([true, true, false, false, false]);
  });
});

describe('the alarm topic', () => {
  it('is created only for an e-mail address without a topic ARN', () => {
    expect(resources.AlarmTopic).toEqual({
      Type: 'AWS::SNS::Topic',
      Condition: 'CreateAlarmTopic',
      Properties: {
        DisplayName: 'Prometheus tools alarms',
        KmsMasterKeyId: { Ref: 'AlarmTopicKey' },
        Subscription: [{ Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } }],
      },
    });
    expect(template.Conditions.CreateAlarmTopic).toEqual({
      'Fn::And': [{ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmEmail' }, ''] }] }, { 'Fn::Not': [{ Condition: 'HasAlarmTopicArn' }] }],
    });
    expect(template.Conditions.HasAlarmActions).toEqual({ 'Fn::Or': [{ Condition: 'HasAlarmTopicArn' }, { Condition: 'CreateAlarmTopic' }] });
  });

  it('is encrypted with a key CloudWatch alarms may use (they cannot use alias/aws/sns)', () => {
    expect(JSON.stringify(template)).not.toContain('alias/aws/sns');
    expect(resources.AlarmTopicKey).toMatchObject({ Type: 'AWS::KMS::Key', Condition: 'CreateAlarmTopic', Properties: { EnableKeyRotation: true } });
    expect(resources.AlarmTopicKey!.Properties.KeyPolicy.Statement).toEqual([
      { Sid: 'AccountAdministersTheKey', Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*' } },
        },
      },
    ]);
  });

  it('receives every alarm of the stack', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    // Four per function, the verification's, and the daily samples budget's.
    expect(alarms).toHaveLength(FUNCTIONS.length * 4 + 2);
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual(alarmActions);
  });
});

describe('names', () => {
  const LONGEST = { name: `Prometheus-Tools-${'x'.repeat(111)}`, id: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Prometheus-Tools/8c6a0a70-7b2f-11ef-9d5e-0a1b2c3d4e5f' };

  it('leave the functions and the state machine to CloudFormation, which fits their names to any stack name', () => {
    expect(LONGEST.name).toHaveLength(128);
    for (const [, fn] of ofType('AWS::Serverless::Function')) expect(fn.Properties.FunctionName).toBeUndefined();
    expect(resources.VerifyStateMachine!.Properties.Name).toBeUndefined();
  });

  it('built from the stack fit their limits for a stack name of 128 characters, capitals included', () => {
    const limits: [string, unknown, number, RegExp?][] = [
      ...FUNCTIONS.map((f) => [`${f.id}LogGroup`, resources[`${f.id}LogGroup`]!.Properties.LogGroupName, 512, /^[.\-_/#A-Za-z0-9]+$/] as [string, unknown, number, RegExp]),
      ['Dashboard', resources.Dashboard!.Properties.DashboardName, 255, /^[A-Za-z0-9_-]+$/],
      ['GatewayUserPool', resources.GatewayUserPool!.Properties.UserPoolName, 128],
      ['GatewayResourceServer', resources.GatewayResourceServer!.Properties.Identifier, 256],
      ['Gateway', resources.Gateway!.Properties.Name, 100, /^([0-9a-zA-Z][-]?){1,48}$/],
      ['Gateway description', resources.Gateway!.Properties.Description, 200],
      // Cognito's rule for a domain prefix, which must also be unique in the region.
      ['GatewayUserPoolDomain', resources.GatewayUserPoolDomain!.Properties.Domain, 63, /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/],
    ];
    for (const [name, expression, max, pattern] of limits) {
      const value = evaluate(expression, LONGEST) as string;
      expect({ name, length: value.length <= max, pattern: pattern?.test(value) ?? true }).toEqual({ name, length: true, pattern: true });
    }
    expect(evaluate(resources.GatewayUserPoolDomain!.Properties.Domain, LONGEST)).toBe('prometheus-8c6a0a70-7b2f-11ef-9d5e-0a1b2c3d4e5f');
    expect(evaluate(resources.Dashboard!.Properties.DashboardName, LONGEST)).toBe(`${LONGEST.name}-us-east-1`);
    expect(resources.GatewayClient!.Properties.ClientName).toBe('agents');
  });
});

describe('the dashboard', () => {
  const body = resources.Dashboard!.Properties.DashboardBody['Fn::Sub'] as [string, { Functions: any }];
  const widgets = JSON.parse(body[0]).widgets as { properties: { title: string; metrics: [{ expression: string }][] } }[];
  const expressions = widgets.map((w) => [w.properties.title, w.properties.metrics[0]![0].expression]);

  it("graphs each function's own metrics, found by the stack's service name", () => {
    const emf = expressions.filter(([, e]) => e!.includes('{PrometheusTools,function_name,service}'));
    expect(emf.map(([, e]) => e!.match(/MetricName="(\w+)"/)![1])).toEqual(['Requests', 'Faults', 'Failures', 'UpstreamErrors']);
    for (const [, e] of emf) expect(e).toContain('service="${AWS::StackName}"');
  });

  it("graphs Lambda's crashes, throttles, duration and concurrency of every function of the template", () => {
    const lambda = expressions.filter(([, e]) => e!.includes('{AWS/Lambda,FunctionName}'));
    expect(lambda.map(([, e]) => e!.match(/MetricName="(\w+)"/)![1])).toEqual(['Errors', 'Throttles', 'Duration', 'ConcurrentExecutions']);
    for (const [, e] of lambda) expect(e).toContain('(${Functions})');
    expect(body[1].Functions).toEqual({
      'Fn::Join': [' OR ', ofType('AWS::Serverless::Function').map(([id]) => ({ 'Fn::Sub': `FunctionName=\\"\${${id}}\\"` }))],
    });
  });

  it('graphs latency, series and retries per operation', () => {
    const operations = expressions.filter(([, e]) => e!.includes('{PrometheusTools,operation,service}'));
    expect(operations.map(([, e]) => e!.match(/MetricName="(\w+)"/)![1])).toEqual(['Latency', 'SeriesReturned', 'Retries', 'SamplesProcessed']);
    expect(template.Outputs.DashboardUrl.Value['Fn::Sub']).toContain('#dashboards:name=${Dashboard}');
  });
});

describe('the daily samples budget', () => {
  it('alarms, only when DailySamplesBudget is set, on the sum over a day of every function\'s SamplesProcessed', () => {
    expect(template.Parameters.DailySamplesBudget).toMatchObject({ Type: 'String', Default: '' });
    expect(template.Conditions.HasSamplesBudget).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'DailySamplesBudget' }, ''] }] });
    const alarm = resources.SamplesBudgetAlarm!;
    expect(alarm.Condition).toBe('HasSamplesBudget');
    expect(alarm.Properties).toMatchObject({ Threshold: { Ref: 'DailySamplesBudget' }, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    const metrics = alarm.Properties.Metrics as { Id: string; Expression?: string; ReturnData: boolean; MetricStat?: any }[];
    const functions = ofType('AWS::Serverless::Function').map(([id]) => id);
    const stats = metrics.filter((m) => m.MetricStat !== undefined);
    expect(stats.map((m) => m.MetricStat.Metric.Dimensions[1].Value)).toEqual(functions.map((id) => ({ Ref: id })));
    for (const m of stats) {
      expect(m.MetricStat).toMatchObject({ Metric: { Namespace: 'PrometheusTools', MetricName: 'SamplesProcessed' }, Period: 86_400, Stat: 'Sum' });
      expect(m.MetricStat.Metric.Dimensions[0]).toEqual({ Name: 'service', Value: { Ref: 'AWS::StackName' } });
      expect(m.ReturnData).toBe(false);
    }
    expect(metrics.filter((m) => m.ReturnData)).toEqual([
      { Id: 'total', Label: 'Query samples processed in a day, all functions', Expression: `SUM([${stats.map((m) => m.Id).join(', ')}])`, ReturnData: true },
    ]);
  });
});

describe('aps:ListWorkspaces', () => {
  it('is granted on * (it has no resource-level permission), in the stack region only, to the roles whose operations need it', () => {
    const policy = resources.ListWorkspacesPolicy!;
    expect(policy.Type).toBe('AWS::IAM::Policy');
    expect(policy.Properties.Roles).toEqual(
      FUNCTIONS.filter((f) => f.actions.includes('aps:ListWorkspaces')).map((f) => ({ Ref: `${f.id}FunctionRole` })),
    );
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'aps:ListWorkspaces', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } } },
    ]);
  });
});

describe('EnabledTools', () => {
  /** Evaluates a tool's condition for a value of EnabledTools (and of AllowSilences). */
  function enabled(condition: unknown, tools: string, allowSilences = 'false'): boolean {
    const run = (node: any): any => {
      if (typeof node !== 'object' || node === null) return node;
      if (Array.isArray(node)) return node.map(run);
      const [[fn, args]] = Object.entries(node) as [[string, any]];
      switch (fn) {
        case 'Ref':
          return args === 'EnabledTools' ? tools : args === 'AllowSilences' ? allowSilences : `<${args}>`;
        case 'Condition':
          return run(template.Conditions[args]);
        case 'Fn::And':
          return (args as unknown[]).every((a) => run(a) === true);
        case 'Fn::Sub':
          return (args as string).replace('${EnabledTools}', tools);
        case 'Fn::Or':
          return (args as unknown[]).some((a) => run(a) === true);
        case 'Fn::Not':
          return run(args[0]) !== true;
        case 'Fn::Equals':
          return run(args[0]) === run(args[1]);
        case 'Fn::Split':
          return (run(args[1]) as string).split(args[0]);
        case 'Fn::Select':
          return run(args[1])[args[0]];
        default:
          throw new Error(`cannot evaluate ${fn}`);
      }
    };
    return run(condition) === true;
  }

  it('lists in the gateway each tool it names, or every tool when empty', () => {
    const payload = resources.GatewayTarget!.Properties.TargetConfiguration.Mcp.Lambda.ToolSchema.InlinePayload as { 'Fn::If': [string, { Name: string }, unknown] }[];
    expect(payload.map((p) => p['Fn::If'][1].Name)).toEqual(TOOLS.map((tool) => tool.name));
    const listed = (tools: string, allowSilences = 'false') =>
      payload.filter((p) => enabled(template.Conditions[p['Fn::If'][0]], tools, allowSilences)).map((p) => p['Fn::If'][1].Name);
    // The silence tool also needs AllowSilences=true (SilencesAllowed).
    expect(listed('')).toEqual(['query', 'discover', 'alerts', 'server_info']);
    expect(listed('', 'true')).toEqual(['query', 'discover', 'alerts', 'server_info', 'silence']);
    expect(listed('silence')).toEqual([]);
    expect(listed('query,silence', 'true')).toEqual(['query', 'silence']);
    expect(listed('query')).toEqual(['query']);
    expect(listed('discover,alerts')).toEqual(['discover', 'alerts']);
    expect(listed('query_x')).toEqual([]);
  });

  it('takes only the tools\' names: an old one (range_query, list_metrics…) is refused at deploy, with what replaced it', () => {
    const parameter = template.Parameters.EnabledTools;
    const pattern = new RegExp(parameter.AllowedPattern);
    for (const value of ['', 'query', 'query,discover,alerts,server_info', 'server_info,query']) expect(value).toMatch(pattern);
    for (const value of ['range_query', 'query,list_metrics', 'query,', 'query, discover', 'discovery']) expect(value).not.toMatch(pattern);
    for (const [old, instead] of Object.entries(REPLACED)) {
      expect(parameter.ConstraintDescription).toContain(old);
      expect(parameter.ConstraintDescription).toContain(instead.split(' ')[0]);
    }
  });
});

describe('CloudWatch PromQL (CloudWatchPromQL)', () => {
  const source = readTemplateSource(FILE);
  const WITH_CLOUDWATCH = FUNCTIONS.filter((f) => f.cloudWatchActions.length > 0);

  it('is a parameter, off by default, that says what it grants, where it works and how agents name it', () => {
    const parameter = template.Parameters.CloudWatchPromQL;
    expect(parameter).toMatchObject({ Type: 'String', Default: 'false', AllowedValues: ['true', 'false'] });
    for (const words of ['workspace_id "cloudwatch"', 'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'on *', 'in this region only', 'must be available in the region']) {
      expect(parameter.Description).toContain(words);
    }
    expect(parameter.Description.length).toBeLessThanOrEqual(4000);
    expect(template.Metadata['AWS::CloudFormation::Interface'].ParameterGroups[0]).toEqual({ Label: { default: 'Workspace' }, Parameters: ['WorkspaceId', 'AllowedWorkspaceIds', 'CloudWatchPromQL'] });
  });

  it('sets a condition, and tells every function (CLOUDWATCH_PROMQL) and the verification', () => {
    expect(template.Conditions.HasCloudWatchPromQL).toEqual({ 'Fn::Equals': [{ Ref: 'CloudWatchPromQL' }, 'true'] });
    expect(template.Globals.Function.Environment.Variables.CLOUDWATCH_PROMQL).toEqual({ Ref: 'CloudWatchPromQL' });
    expect(resources.VerifyStateMachine!.Properties.DefinitionSubstitutions.CloudWatchPromQL).toEqual({ Ref: 'CloudWatchPromQL' });
  });

  it("lists in Mappings.Functions exactly the cloudwatch: actions of each function's calls, in their order, and none where CloudWatch serves none of its tools", () => {
    const mapped = Object.fromEntries(FUNCTIONS.map((f) => [f.id, template.Mappings.Functions[f.id].CloudWatchActions]));
    expect(mapped).toEqual(Object.fromEntries(FUNCTIONS.map((f) => [f.id, f.cloudWatchActions.length > 0 ? f.cloudWatchActions : undefined])));
    // What the registry says today (the mapping above follows it, whatever it becomes).
    expect(FUNCTIONS.filter((f) => f.cloudWatchActions.length === 0).map((f) => f.id)).toEqual(['Alerting', 'Workspaces']);
    expect(mapped.Query).toEqual(['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics']);
    expect(mapped.ListMetrics).toEqual(['cloudwatch:ListMetrics']);
  });

  it('loops over exactly the functions with CloudWatch actions', () => {
    expect(source.Resources['Fn::ForEach::CloudWatchPolicies'][1]).toEqual(WITH_CLOUDWATCH.map((f) => f.id));
  });

  it.each(FUNCTIONS)('grants $id its CloudWatch actions only when enabled, on * in the stack region, to its own role', ({ id, cloudWatchActions }) => {
    const policy = resources[`${id}CloudWatchPolicy`];
    if (cloudWatchActions.length === 0) {
      expect(policy).toBeUndefined();
      return;
    }
    expect(policy).toEqual({
      Type: 'AWS::IAM::Policy',
      Condition: 'HasCloudWatchPromQL',
      Properties: {
        PolicyName: 'CloudWatchPromQLInRegion',
        Roles: [{ Ref: `${id}FunctionRole` }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: cloudWatchActions, Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } } }],
        },
      },
    });
  });

  it('grants cloudwatch: actions nowhere else', () => {
    const granting = Object.entries(resources).filter(([, r]) => JSON.stringify(r.Properties ?? {}).includes('"cloudwatch:'));
    expect(granting.map(([id]) => id).sort()).toEqual(WITH_CLOUDWATCH.map((f) => `${f.id}CloudWatchPolicy`).sort());
  });
});

describe('the IAM stand-in, evaluating the roles of a deployed stack', () => {
  const CLOUDWATCH_ACTIONS = ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'];
  const disabled = functionIdentities();
  const enabled = functionIdentities({ cloudWatch: true });
  const allowed = (identities: typeof enabled, entry: string, region = TEST_REGION) =>
    CLOUDWATCH_ACTIONS.filter((action) => authorize(identities.get(entry)!, action, CLOUDWATCH_RESOURCE, { 'aws:RequestedRegion': region }).allowed);

  it('maps each path of CloudWatch PromQL to the actions its user guide requires, and others to none', () => {
    expect(cloudWatchActionsForPath('query')).toEqual(CLOUDWATCH_ACTIONS);
    expect(cloudWatchActionsForPath('query_range')).toEqual(CLOUDWATCH_ACTIONS);
    expect(['series', 'labels', 'label/__name__/values', 'label/%40resource.service.name/values'].map(cloudWatchActionsForPath)).toEqual(
      Array(4).fill(['cloudwatch:ListMetrics']),
    );
    expect(['metadata', 'rules', 'alerts', 'status/buildinfo', 'query_exemplars', 'label/a/b/values'].map(cloudWatchActionsForPath)).toEqual(Array(6).fill(undefined));
  });

  it.each(FUNCTIONS)('allows $id exactly the CloudWatch actions its calls need when enabled, none when disabled', ({ file, cloudWatchActions }) => {
    expect(allowed(enabled, file)).toEqual([...cloudWatchActions].sort());
    expect(allowed(disabled, file)).toEqual([]);
  });

  it('denies cloudwatch:GetMetricData to a function of a stack without CloudWatch, naming the action as IAM does', () => {
    const decision = authorize(disabled.get('query')!, 'cloudwatch:GetMetricData', '*', { 'aws:RequestedRegion': TEST_REGION });
    expect(decision).toEqual({
      allowed: false,
      message:
        'User: arn:aws:sts::123456789012:assumed-role/prometheus-tools-QueryFunctionRole/session is not authorized to perform: cloudwatch:GetMetricData ' +
        'on resource: * because no identity-based policy allows the cloudwatch:GetMetricData action',
    });
    expect(functionIdentities({ parameters: { CloudWatchPromQL: 'false' } }).get('query')!.statements).toEqual(disabled.get('query')!.statements);
  });

  it('allows CloudWatch in the stack region only', () => {
    expect(allowed(enabled, 'query', 'eu-west-1')).toEqual([]);
    expect(allowed(enabled, 'integration', 'eu-west-1')).toEqual([]);
  });

  it('authorises a CloudWatch path only when the role has every action it needs', () => {
    expect(authorizeCloudWatch(enabled.get('query')!, 'query', TEST_REGION)).toEqual({ allowed: true });
    expect(authorizeCloudWatch(enabled.get('list-metrics')!, 'label/__name__/values', TEST_REGION)).toEqual({ allowed: true });
    // ListMetrics alone is not enough for a query: GetMetricData is the action named.
    expect(authorizeCloudWatch(enabled.get('list-metrics')!, 'query', TEST_REGION)).toMatchObject({
      allowed: false,
      message: expect.stringContaining('is not authorized to perform: cloudwatch:GetMetricData on resource: *'),
    });
    expect(authorizeCloudWatch(enabled.get('alerting')!, 'labels', TEST_REGION)).toMatchObject({ allowed: false, message: expect.stringContaining('cloudwatch:ListMetrics') });
    expect(authorizeCloudWatch(disabled.get('integration')!, 'series', TEST_REGION).allowed).toBe(false);
    expect(authorizeCloudWatch(enabled.get('integration')!, 'series', 'eu-west-1').allowed).toBe(false);
    expect(() => authorizeCloudWatch(enabled.get('integration')!, 'rules', TEST_REGION)).toThrow('CloudWatch serves no /api/v1/rules');
  });

  it("leaves the AMP permissions as they are: CloudWatch adds nothing on a workspace", () => {
    for (const [entry, identity] of enabled) {
      expect(identity.statements.filter((s) => JSON.stringify(s.Action).includes('aps:'))).toEqual(disabled.get(entry)!.statements.filter((s) => JSON.stringify(s.Action).includes('aps:')));
    }
  });
});
