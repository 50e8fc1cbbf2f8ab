import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFINITION_FILE, FUNCTIONS, loadDefinition } from '../../scripts/lib/local-verify';
import { CHECK_STATES } from '../../scripts/lib/verification-report';
import { readTemplate } from '../support/template';

// asl-validator ships no types: it is one function from a definition to {isValid, errorsText}.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validateAsl = require('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText: () => string };

const ROOT = path.join(__dirname, '..', '..');
const template = readTemplate(path.join(ROOT, 'template.yaml'));
const machine = template.Resources.VerifyStateMachine;
const LAMBDA_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

const substitutions = {
  DefaultWorkspaceId: 'ws-12345678-abcd-1234-efgh-123456789012',
  DefaultRegion: 'us-east-1',
  ...Object.fromEntries(Object.keys(FUNCTIONS).map((key) => [key, `arn:aws:lambda:us-east-1:123456789012:function:${key}`])),
};
const definition = loadDefinition(substitutions) as { States: Record<string, any> };

describe('statemachine/verify.asl.json', () => {
  it('is valid Amazon States Language (asl-validator)', () => {
    const result = validateAsl(definition);
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('uses exactly the substitutions the template gives it', () => {
    const used = [...readFileSync(DEFINITION_FILE, 'utf8').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect([...new Set(used)].sort()).toEqual(Object.keys(machine.Properties.DefinitionSubstitutions).sort());
    expect(machine.Properties.DefinitionUri).toBe('statemachine/verify.asl.json');
  });

  it('checks server-info, list-metrics, query, range query and the router, in that order', () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name)).toEqual(['ServerInfo', 'ListMetrics', 'Query', 'RangeQuery', 'Integration']);
    expect(Object.values(CHECK_STATES)).toEqual(tasks.map(([name]) => name));
    for (const [name, state] of tasks) {
      expect(state.Resource).toBe('arn:aws:states:::lambda:invoke');
      expect(state.Parameters.FunctionName).toBe(`arn:aws:lambda:us-east-1:123456789012:function:${name}FunctionArn`);
    }
  });

  it('retries transient Lambda errors and catches everything else so the next check still runs', () => {
    for (const [name, state] of Object.entries(definition.States).filter(([, s]) => s.Type === 'Task')) {
      expect(state.Retry).toEqual([expect.objectContaining({ ErrorEquals: LAMBDA_ERRORS, MaxAttempts: 3 })]);
      expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.last', Next: `${name}Errored` }]);
    }
  });

  it('ends in a Fail state whose cause names the failed checks', () => {
    expect(definition.States.VerificationFailed).toMatchObject({ Type: 'Fail', Error: 'VerificationFailed', CausePath: '$.cause' });
  });
});

describe('the VerifyStateMachine resource', () => {
  it('may invoke the five functions and nothing more', () => {
    expect(machine.Type).toBe('AWS::Serverless::StateMachine');
    expect(machine.Properties.Policies).toEqual(
      ['ServerInfo', 'ListMetrics', 'Query', 'RangeQuery', 'Integration'].map((id) => ({ LambdaInvokePolicy: { FunctionName: { Ref: `${id}Function` } } })),
    );
  });

  it("runs after each deploy of this stack, and on a schedule only when one is given", () => {
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
    expect(machine.Properties.Events.Scheduled.Properties.State).toEqual({ 'Fn::If': ['HasVerifySchedule', 'ENABLED', 'DISABLED'] });
    expect(template.Parameters.VerifySchedule.Default).toBe('');
  });

  it('alarms on failed executions, to the alarm topic', () => {
    expect(template.Resources.VerifyFailedAlarm.Properties).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'VerifyStateMachine' } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: { 'Fn::If': ['HasAlarmActions', expect.any(Array), { Ref: 'AWS::NoValue' }] },
    });
    expect(template.Outputs.VerifyStateMachineArn.Value).toEqual({ Ref: 'VerifyStateMachine' });
  });
});
