import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFINITION_FILE, FUNCTIONS, loadDefinition } from '../../scripts/lib/local-verify';
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
    });
    expect(iteration[CHECK_TASK].Parameters).toEqual({
      'FunctionName.$': '$.check.function',
      'Payload.$': 'States.JsonMerge($.target, $.check.arguments, false)',
    });
    expect(Object.keys(allStates)).toHaveLength(27);
  });

  it('checks every function, with queries shaped like real ones and small answers', () => {
    expect(definition.States.Checks.Result).toEqual([
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
      { name: 'workspaces', function: arnOf('WorkspacesFunctionArn'), arguments: {}, expect: 'total', label: '', unit: 'workspaces', min: 1 },
    ]);
  });

  it('has a check for every function of the template, and a function for every check', () => {
    const functions = Object.entries(template.Resources)
      .filter(([, r]) => (r as { Type: string }).Type === 'AWS::Serverless::Function')
      .map(([id]) => `${id}Arn`);
    expect(Object.keys(FUNCTIONS).sort()).toEqual(functions.sort());
    expect(definition.States.Checks.Result.map((c: { function: string }) => c.function).sort()).toEqual(functions.map(arnOf).sort());
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
    expect(ends.map(([name]) => name).sort()).toEqual(['Errored', 'Reachable', 'Refused', 'Series', 'TooFew', 'Total', 'Unexpected', 'Unreachable', 'Value']);
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
        { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [`${id}Function`, 'Arn'] } },
      ]),
    );
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
