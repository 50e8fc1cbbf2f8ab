import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFINITION_FILE, FUNCTIONS, loadDefinition, runVerificationLocally } from '../../scripts/lib/local-verify';
import { CHECK_TASK } from '../../scripts/lib/verification-report';
import { readTemplate } from '../support/template';

// asl-validator ships no types: it is one function from a definition to {isValid, errorsText}.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validateAsl = require('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText: () => string };

const ROOT = path.join(__dirname, '..', '..');
const template = readTemplate(path.join(ROOT, 'template.yaml'));
const machine = template.Resources.VerifyStateMachine;
const LAMBDA_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

const arnOf = (key: string) => `arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:${key}`;
const definition = loadDefinition({
  Partition: 'aws-us-gov',
  DefaultWorkspaceId: 'ws-12345678-abcd-1234-efgh-123456789012',
  DefaultRegion: 'us-gov-west-1',
  CloudWatchPromQL: 'false',
  ...Object.fromEntries(Object.keys(FUNCTIONS).map((key) => [key, arnOf(key)])),
}) as { States: Record<string, any> };
const map = definition.States.Check;
const iteration = map.ItemProcessor.States as Record<string, any>;

/** Every state of the definition, the Map's included. */
const allStates = { ...definition.States, ...iteration };

describe('statemachine/verify.asl.json', () => {
  it('is valid Amazon States Language (asl-validator)', () => {
    const result = validateAsl(definition);
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('uses exactly the substitutions the template gives it, its ARNs in the stack’s partition', () => {
    const text = readFileSync(DEFINITION_FILE, 'utf8');
    const used = [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect([...new Set(used)].sort()).toEqual(Object.keys(machine.Properties.DefinitionSubstitutions).sort());
    expect(machine.Properties.DefinitionSubstitutions.Partition).toEqual({ Ref: 'AWS::Partition' });
    expect(text).not.toMatch(/arn:aws:/);
    expect(iteration[CHECK_TASK].Resource).toBe('arn:aws-us-gov:states:::lambda:invoke');
    expect(machine.Properties.DefinitionUri).toBe('statemachine/verify.asl.json');
  });

  it('applies one check shape to a list of checks: one Task, in a Map over Checks, one check at a time', () => {
    const tasks = Object.entries(allStates).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name)).toEqual([CHECK_TASK]);
    expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.checks', MaxConcurrency: 1, ResultPath: '$.checks' });
    expect(map.ItemSelector).toEqual({
      'check.$': '$$.Map.Item.Value',
      target: { 'workspace_id.$': '$.config.workspace_id', 'region.$': '$.config.region' },
      'query.$': '$.config.query',
      'cloudwatch_query.$': '$.config.cloudwatch_query',
    });
    expect(iteration[CHECK_TASK].Parameters).toEqual({
      'FunctionName.$': '$.check.function',
      'Payload.$': 'States.JsonMerge($.target, $.check.arguments, false)',
    });
    expect(Object.keys(allStates)).toHaveLength(32);
  });

  it('checks every function, with queries shaped like real ones and small answers', () => {
    expect(definition.States.Checks.Result.amp).toEqual([
      { name: 'server_info', function: arnOf('ServerInfoFunctionArn'), arguments: {}, expect: 'reachable' },
      { name: 'list_metrics', function: arnOf('ListMetricsFunctionArn'), arguments: { limit: 1 }, expect: 'total', label: '', unit: 'metrics', min: 1 },
      { name: 'query', function: arnOf('QueryFunctionArn'), arguments: { query: 'count by (job) (up)', max_series: 20 }, expect: 'series', label: '' },
      {
        name: 'range_query',
        function: arnOf('RangeQueryFunctionArn'),
        arguments: { query: 'sum by (job) (rate(up[5m]))', start: 'now-1h', end: 'now', step: '5m', max_series: 20 },
        expect: 'series',
        label: ' over the last hour',
      },
      { name: 'integration', function: arnOf('IntegrationFunctionArn'), arguments: { operation: 'list_metrics', limit: 1 }, expect: 'total', label: 'routed list_metrics: ', unit: 'metrics', min: 0 },
      { name: 'discovery', function: arnOf('DiscoveryFunctionArn'), arguments: { operation: 'list_labels', limit: 1 }, expect: 'total', label: '', unit: 'label names', min: 1 },
      { name: 'alerting', function: arnOf('AlertingFunctionArn'), arguments: { operation: 'list_rules', limit: 1 }, expect: 'total', label: '', unit: 'rules', min: 0 },
      // The Alertmanager, where the workspace has one ("no Alertmanager" passes, said as such: NoAlertmanager).
      { name: 'alertmanager', function: arnOf('AlertingFunctionArn'), arguments: { operation: 'list_silences', limit: 1 }, expect: 'total', label: '', unit: 'silences', min: 0 },
      { name: 'workspaces', function: arnOf('WorkspacesFunctionArn'), arguments: {}, expect: 'total', label: '', unit: 'workspaces', min: 1 },
    ]);
  });

  it('has a check for every function of the template, and a function for every check', () => {
    const functions = Object.entries(template.Resources)
      .filter(([, r]) => (r as { Type: string }).Type === 'AWS::Serverless::Function')
      .map(([id]) => `${id}Arn`);
    expect(Object.keys(FUNCTIONS).sort()).toEqual(functions.sort());
    // Every function, once; the Alerting function twice (its rules, its Alertmanager).
    const checked = definition.States.Checks.Result.amp.map((c: { function: string }) => c.function);
    expect([...new Set(checked)].sort()).toEqual(functions.map(arnOf).sort());
    expect(checked.filter((f: string) => f === arnOf('AlertingFunctionArn'))).toHaveLength(2);
    expect(checked).toHaveLength(functions.length + 1);
  });

  it('checks CloudWatch PromQL only where the stack enables it (or the input asks): the query function, workspace_id cloudwatch, a query naming a metric', () => {
    expect(Object.keys(definition.States.Checks.Result)).toEqual(['amp', 'cloudwatch']);
    expect(definition.States.Checks.Result.cloudwatch).toEqual([
      { name: 'cloudwatch', function: arnOf('QueryFunctionArn'), arguments: { workspace_id: 'cloudwatch', max_series: 20 }, expect: 'series', label: ' on CloudWatch' },
    ]);
    expect(definition.States.Defaults.Parameters.defaults).toEqual({
      workspace_id: 'ws-12345678-abcd-1234-efgh-123456789012',
      region: 'us-gov-west-1',
      query: null,
      cloudwatch: 'false',
      // Lambda's vended metric, which the stack's own functions write: named, and quoted as any name may be.
      cloudwatch_query: 'count({"Invocations"})',
    });
    expect(machine.Properties.DefinitionSubstitutions.CloudWatchPromQL).toEqual({ Ref: 'CloudWatchPromQL' });
    expect(definition.States.Checks.Next).toBe('CloudWatchEnabled');
    expect(definition.States.CloudWatchEnabled.Default).toBe('WithoutCloudWatch');
    expect(definition.States.WithoutCloudWatch.Parameters).toEqual({ 'config.$': '$.config', 'checks.$': '$.lists.amp' });
    // Every list, in order: the AMP checks, then CloudWatch's.
    expect(definition.States.WithCloudWatch.Parameters).toEqual({ 'config.$': '$.config', 'checks.$': '$.lists.*[*]' });
    // The CloudWatch check takes its own query, never the AMP query given as input.
    expect(iteration.QueryGiven.Choices[0]).toEqual({
      And: [
        { Variable: '$.check.arguments.workspace_id', IsPresent: true },
        { Variable: '$.check.arguments.workspace_id', StringEquals: 'cloudwatch' },
      ],
      Next: 'UseCloudWatchQuery',
    });
    expect(iteration.UseCloudWatchQuery).toMatchObject({ Type: 'Pass', InputPath: '$.cloudwatch_query', ResultPath: '$.check.arguments.query', Next: 'Invoke' });
  });

  it('retries transient Lambda errors and catches everything else, so the next check still runs', () => {
    expect(iteration[CHECK_TASK].Retry).toEqual([expect.objectContaining({ ErrorEquals: LAMBDA_ERRORS, MaxAttempts: 3 })]);
    expect(iteration[CHECK_TASK].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Errored' }]);
  });

  it('reads no path of a function’s answer that its Choice rule has not found present (a missing path would end the execution without a report)', () => {
    const judge = iteration.Judge;
    expect(judge.Type).toBe('Choice');
    const variables = (condition: object): string[] => JSON.stringify(condition).match(/\$\.answer[\w.]*/g) ?? [];
    for (const rule of judge.Choices as { And: ({ Variable: string; IsPresent?: boolean } & object)[]; Next: string }[]) {
      const present = new Set<string>();
      for (const condition of rule.And) {
        if (condition.IsPresent === true) present.add(condition.Variable);
        else for (const v of variables(condition)) expect(present).toContain(v);
      }
      for (const v of variables(iteration[rule.Next].Parameters)) expect(present).toContain(v);
    }
    expect(judge.Default).toBe('Unexpected');
  });

  it('reduces each check to {name, passed, detail} inside its iteration, so the answers never reach the report', () => {
    const ends = Object.entries(iteration).filter(([, s]) => s.End === true);
    expect(ends.map(([name]) => name).sort()).toEqual(['Errored', 'NoAlertmanager', 'Reachable', 'Refused', 'Series', 'TooFew', 'Total', 'Unexpected', 'Unreachable', 'Value']);
    for (const [, state] of ends) {
      expect(state.Type).toBe('Pass');
      expect(Object.keys(state.Parameters).map((k) => k.replace(/\.\$$/, ''))).toEqual(['name', 'passed', 'detail']);
      expect(state.ResultPath).toBeUndefined();
    }
  });

  it('ends in a Fail state whose cause names the failed checks', () => {
    expect(definition.States.VerificationFailed).toMatchObject({ Type: 'Fail', Error: 'VerificationFailed', CausePath: '$.cause' });
    expect(definition.States.CountFailed.Parameters['cause.$']).toBe("States.Format('{} {}', $.tally.cause, $.next.check.name)");
  });
});

describe('the Alertmanager check, run locally with answers given', () => {
  it('passes on a workspace without an Alertmanager, saying so, and fails on any other refusal', async () => {
    const run = async (refusal: { type: string; message: string }) => {
      const answer = async (event: unknown) =>
        (event as { operation?: string }).operation === 'list_silences'
          ? { status: 'error', error: refusal }
          : {
              status: 'success',
              data: { resultType: 'vector', result: [], total: 1, query_endpoint: 'https://x/api/v1', reachability: { reachable: true, latency_ms: 1 } },
            };
      const handlers = Object.fromEntries(Object.values(FUNCTIONS).map((name) => [name, answer])) as never;
      return runVerificationLocally({ handlers, defaultWorkspaceId: 'ws-12345678-abcd-1234-efgh-123456789012', defaultRegion: 'us-east-1' });
    };
    const none = await run({ type: 'no_alertmanager', message: 'this workspace has no Alertmanager' });
    expect(none.status).toBe('SUCCEEDED');
    expect(none.report.checks.find((c) => c.name === 'alertmanager')).toEqual({ name: 'alertmanager', passed: true, detail: 'no Alertmanager: this workspace has no Alertmanager' });
    const denied = await run({ type: 'access_denied', message: 'not authorized to perform: aps:ListAlertManagerSilences' });
    expect(denied.status).toBe('FAILED');
    expect(denied.report.checks.find((c) => c.name === 'alertmanager')).toEqual({
      name: 'alertmanager',
      passed: false,
      detail: 'access_denied: not authorized to perform: aps:ListAlertManagerSilences',
    });
  });
});

describe('the CloudWatch check, run locally with answers given', () => {
  /** Every function answers a passing envelope; what each was asked is kept. */
  async function run(input: Record<string, unknown>, cloudWatch: boolean): Promise<{ checks: string[]; cloudWatchCalls: unknown[] }> {
    const calls: { workspace_id?: string }[] = [];
    const answer = async (event: unknown) => {
      calls.push(event as { workspace_id?: string });
      return {
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [1680307200, '3'] }], total: 1, query_endpoint: 'https://x/api/v1', reachability: { reachable: true, latency_ms: 1 } },
      };
    };
    const handlers = Object.fromEntries(Object.values(FUNCTIONS).map((name) => [name, answer])) as never;
    const result = await runVerificationLocally({ handlers, input, defaultWorkspaceId: 'ws-12345678-abcd-1234-efgh-123456789012', defaultRegion: 'us-east-1', cloudWatch });
    expect(result.status).toBe('SUCCEEDED');
    return { checks: result.report.checks.map((c) => `${c.name}: ${c.detail}`), cloudWatchCalls: calls.filter((c) => c.workspace_id === 'cloudwatch') };
  }
  const AMP_CHECKS = ['server_info', 'list_metrics', 'query', 'range_query', 'integration', 'discovery', 'alerting', 'alertmanager', 'workspaces'];
  const names = (checks: string[]) => checks.map((c) => c.split(':')[0]);

  it('is not run on a stack without CloudWatch PromQL (the default), nor when the input says false', async () => {
    expect(names((await run({}, false)).checks)).toEqual(AMP_CHECKS);
    expect(await run({ cloudwatch: 'false' }, true)).toEqual({ checks: expect.any(Array), cloudWatchCalls: [] });
    expect(names((await run({ cloudwatch: false }, true)).checks)).toEqual(AMP_CHECKS);
  });

  it('runs last on a stack with CloudWatch PromQL, or when the input asks (true or "true"), with its own query even when the AMP query is given', async () => {
    const enabled = await run({}, true);
    expect(names(enabled.checks)).toEqual([...AMP_CHECKS, 'cloudwatch']);
    expect(enabled.checks.at(-1)).toBe('cloudwatch: count({"Invocations"}) on CloudWatch returned 1 series');
    expect(enabled.cloudWatchCalls).toEqual([{ workspace_id: 'cloudwatch', region: 'us-east-1', max_series: 20, query: 'count({"Invocations"})' }]);
    for (const cloudwatch of [true, 'true']) {
      const asked = await run({ cloudwatch, query: 'up', cloudwatch_query: 'sum({"http.server.active_requests"})' }, false);
      expect(asked.checks.slice(2, 3)).toEqual(['query: up returned 1 series']);
      expect(asked.cloudWatchCalls).toEqual([{ workspace_id: 'cloudwatch', region: 'us-east-1', max_series: 20, query: 'sum({"http.server.active_requests"})' }]);
    }
  });
});

describe('the VerifyStateMachine resource', () => {
  it('runs as its own role, which may invoke the functions and nothing more', () => {
    expect(machine.Type).toBe('AWS::Serverless::StateMachine');
    expect(machine.Properties.Role).toEqual({ 'Fn::GetAtt': ['VerifyStateMachineRole', 'Arn'] });
    expect(machine.Properties.Policies).toBeUndefined();
    expect(machine.Properties.Name).toBeUndefined();
    expect(template.Resources.VerifyStateMachineRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(template.Resources.VerifyStateMachineRole.Properties.Policies).toBeUndefined();
    const grants = Object.values(template.Resources as Record<string, { Type: string; Properties: any }>)
      .filter((r) => r.Type === 'AWS::IAM::RolePolicy' && r.Properties.RoleName.Ref === 'VerifyStateMachineRole')
      .map((r) => r.Properties.PolicyDocument.Statement);
    expect(grants).toEqual(
      ['Query', 'RangeQuery', 'ListMetrics', 'ServerInfo', 'Discovery', 'Alerting', 'Workspaces', 'Integration'].map((id) => [
        { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::Sub': `\${${id}Function.Arn}:live` } },
      ]),
    );
  });

  it('invokes what agents invoke, each function\'s live alias, and may invoke exactly those', () => {
    // As CloudFormation resolves them: a function's Arn, and SAM's `Ref: X.Alias`, the ARN of
    // its AutoPublishAlias (the function's ARN, a colon, the alias name).
    const functionArn = (id: string) => `arn:aws:lambda:us-east-1:123456789012:function:stack-${id}-AbC123`;
    const resolveArn = (value: any): string => {
      if (typeof value?.Ref === 'string' && value.Ref.endsWith('.Alias')) {
        const id = value.Ref.slice(0, -'.Alias'.length);
        return `${functionArn(id)}:${template.Resources[id].Properties.AutoPublishAlias ?? template.Globals.Function.AutoPublishAlias}`;
      }
      const sub = /^\$\{(\w+)\.Arn\}(:\w+)$/.exec(value?.['Fn::Sub'] ?? '');
      if (sub !== null) return `${functionArn(sub[1]!)}${sub[2]}`;
      if (Array.isArray(value?.['Fn::GetAtt'])) return functionArn(value['Fn::GetAtt'][0]);
      throw new Error(`not an ARN this test resolves: ${JSON.stringify(value)}`);
    };
    const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, unknown>;
    const invoked = Object.keys(FUNCTIONS).map((key) => resolveArn(substitutions[key]));
    expect(invoked).toEqual(Object.keys(FUNCTIONS).map((key) => `${functionArn(key.replace(/Arn$/, ''))}:live`));
    const allowed = Object.values(template.Resources as Record<string, { Type: string; Properties: any }>)
      .filter((r) => r.Type === 'AWS::IAM::RolePolicy' && r.Properties.RoleName.Ref === 'VerifyStateMachineRole')
      .flatMap((r) => r.Properties.PolicyDocument.Statement.map((statement: { Resource: unknown }) => resolveArn(statement.Resource)));
    expect(allowed.sort()).toEqual([...invoked].sort());
    // The unqualified ARN ($LATEST) is neither invoked nor allowed.
    for (const arn of allowed) expect(arn).toMatch(/:live$/);
  });

  it('runs after each deploy of this stack, and on a schedule only when one is given', () => {
    expect(machine.Properties.Events.AfterDeploy).toEqual({
      Type: 'EventBridgeRule',
      Properties: {
        Input: '{}',
        Pattern: {
          source: ['aws.cloudformation'],
          'detail-type': ['CloudFormation Stack Status Change'],
          resources: [{ Ref: 'AWS::StackId' }],
          detail: { 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] } },
        },
      },
    });
    expect(machine.Properties.Events.Scheduled.Properties).toEqual({
      OmitName: true,
      ScheduleExpression: { 'Fn::If': ['HasVerifySchedule', { Ref: 'VerifySchedule' }, 'rate(1 day)'] },
      State: { 'Fn::If': ['HasVerifySchedule', 'ENABLED', 'DISABLED'] },
      Input: '{}',
    });
    expect(template.Parameters.VerifySchedule.Default).toBe('');
  });

  it('alarms on failed executions, to the alarm topic', () => {
    expect(template.Resources.VerifyFailedAlarm.Properties).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'VerifyStateMachine' } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: { 'Fn::If': ['HasAlarmActions', [{ 'Fn::If': ['HasAlarmTopicArn', { Ref: 'AlarmTopicArn' }, { Ref: 'AlarmTopic' }] }], { Ref: 'AWS::NoValue' }] },
    });
    expect(template.Outputs.VerifyStateMachineArn.Value).toEqual({ Ref: 'VerifyStateMachine' });
  });
});
