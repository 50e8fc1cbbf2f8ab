import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateStateMachineCommand, GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { FUNCTIONS, loadDefinition } from '../../scripts/lib/local-verify';
import { ALL_METRICS, SYSTEM_CPU_RATE, UP_AT_T0 } from '../fixtures/expected';
import { startMoto, type Moto } from '../support/moto';

/**
 * `npm run verify` over real HTTP against moto's AWS emulator: CloudFormation gives
 * the stack's outputs, Step Functions runs statemachine/verify.asl.json with moto's own
 * ASL engine, and Lambda answers from a queue (moto cannot run Lambda without Docker).
 */

const ROOT = path.join(__dirname, '..', '..');
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let moto: Moto;
let stacks = 0;

// A fresh emulator per test: moto's Step Functions engine cannot start an execution once
// another has run in the same process (it deep-copies a state machine holding a lock).
beforeEach(async () => {
  moto = await startMoto();
}, 60_000);
afterEach(async () => moto.stop());

/** A stack like the deployed one: its VerifyStateMachineArn output names the state machine. */
async function deployStack(parameters: { CloudWatchPromQL?: 'true' | 'false' } = {}): Promise<string> {
  const stackName = `prometheus-tools-${++stacks}`;
  const sfn = new SFNClient({ region: REGION, endpoint: moto.endpoint, credentials });
  const substitutions: Record<string, string> = {
    Partition: 'aws',
    DefaultWorkspaceId: 'ws-12345678-abcd-1234-efgh-123456789012',
    DefaultRegion: REGION,
    CloudWatchPromQL: parameters.CloudWatchPromQL ?? 'false',
  };
  for (const key of Object.keys(FUNCTIONS)) substitutions[key] = `arn:aws:lambda:${REGION}:123456789012:function:${key}`;
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `${stackName}-verify`,
      definition: JSON.stringify(loadDefinition(substitutions)),
      roleArn: 'arn:aws:iam::123456789012:role/verify',
    }),
  );
  const cloudformation = new CloudFormationClient({ region: REGION, endpoint: moto.endpoint, credentials });
  await cloudformation.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: JSON.stringify({
        Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
        Outputs: { VerifyStateMachineArn: { Value: stateMachineArn } },
      }),
    }),
  );
  return stackName;
}

function verify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts', 'verify.ts'), ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: moto.endpoint,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_SESSION_TOKEN: '',
          VERIFY_POLL_MS: '100',
        },
      },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr }),
    );
  });
}

const success = (data: unknown) => ({ status: 'success', data });
const serverInfo = success({ query_endpoint: 'https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-x/api/v1', source: 'DescribeWorkspace', reachability: { reachable: true, latency_ms: 12.5 } });
const metrics = success({ metrics: ALL_METRICS, total: ALL_METRICS.length, truncated: false });
const query = success({ resultType: 'vector', result: UP_AT_T0 });
const range = success({ resultType: 'matrix', result: SYSTEM_CPU_RATE });
const routed = success({ metrics: ALL_METRICS.slice(0, 1), total: ALL_METRICS.length, truncated: true });
const labels = success({ labels: ['__name__'], total: 9, truncated: true });
const rules = success({ groups: [], total: 0, truncated: false });
const workspaces = success({ workspaces: [{ workspace_id: 'ws-12345678-abcd-1234-efgh-123456789012', status: 'ACTIVE' }], total: 1, truncated: false });
const silences = success({ silences: [], total: 0, truncated: false });
/** What the discovery, alerting, alertmanager and workspaces checks read, after the first five. */
const more = [labels, rules, silences, workspaces];

it('starts the stack’s state machine, shows progress, prints the table and exits 0 when all pass', async () => {
  const stack = await deployStack();
  await moto.queueLambdaResults([serverInfo, metrics, query, range, routed, ...more]);
  const { code, stdout, stderr } = await verify('--stack', stack, '--region', REGION);
  expect(stderr).toMatch(new RegExp(`^Started arn:aws:states:us-east-1:\\d+:execution:${stack}-verify:verify-`, 'm'));
  expect(stderr).toMatch(/^ {2}… server_info$/m);
  expect(code).toBe(0);
  const lines = stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^\s+check\s+latency\s+detail$/);
  expect(lines.slice(1, 6).map((l) => l.replace(/\d+ ms {2}/, 'N ms  ').replace(/\s+/g, ' '))).toEqual([
    'PASS server_info N ms https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-x/api/v1 reachable in 12.5 ms',
    `PASS list_metrics N ms ${ALL_METRICS.length} metrics`,
    `PASS query N ms count by (job) (up) returned ${UP_AT_T0.length} series`,
    `PASS range_query N ms sum by (job) (rate(up[5m])) over the last hour returned ${SYSTEM_CPU_RATE.length} series`,
    `PASS integration N ms routed list_metrics: ${ALL_METRICS.length} metrics`,
  ]);
  expect(lines.slice(6, 10).map((l) => l.replace(/\d+ ms {2}/, 'N ms  ').replace(/\s+/g, ' '))).toEqual([
    'PASS discovery N ms 9 label names',
    'PASS alerting N ms 0 rules',
    'PASS alertmanager N ms 0 silences',
    'PASS workspaces N ms 1 workspaces',
  ]);
  expect(lines[11]).toBe('SUCCEEDED: 9 passed, 0 failed');
}, 60_000);

it('exits 1 and names the failed check when one fails', async () => {
  const denied = { status: 'error', error: { type: 'access_denied', message: 'Prometheus refused the request (HTTP 403): not authorized' } };
  const stack = await deployStack();
  await moto.queueLambdaResults([serverInfo, metrics, denied, range, routed, ...more]);
  const { code, stdout } = await verify('--stack', stack, '--region', REGION, '--query', 'up');
  expect(code).toBe(1);
  expect(stdout).toMatch(/FAIL {2}query +\d+ ms +access_denied: Prometheus refused the request \(HTTP 403\): not authorized/);
  expect(stdout.trimEnd().split('\n').slice(-2)).toEqual(['FAILED: 8 passed, 1 failed', 'failed checks: query']);
}, 60_000);

it('reports functions answering something else than an envelope as failed checks, and names them all', async () => {
  const stack = await deployStack();
  await moto.queueLambdaResults([{ unexpected: true }, metrics, query, success({ resultType: 'matrix' }), routed, ...more]);
  const { code, stdout } = await verify('--stack', stack, '--region', REGION);
  expect(code).toBe(1);
  expect(stdout).toMatch(/FAIL {2}server_info +\d+ ms +the function answered without the success or error envelope this check reads/);
  expect(stdout).toMatch(/FAIL {2}range_query +\d+ ms +the function answered without the success or error envelope this check reads/);
  expect(stdout.trimEnd().split('\n').slice(-2)).toEqual(['FAILED: 7 passed, 2 failed', 'failed checks: server_info range_query']);
}, 60_000);

/** What each Task state of the (only) execution asked lambda:invoke, from its history. */
async function invocations(): Promise<unknown[]> {
  const sfn = new SFNClient({ region: REGION, endpoint: moto.endpoint, credentials });
  const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
  const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachines![0]!.stateMachineArn }));
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: executions![0]!.executionArn, maxResults: 1000 }));
  return events!.filter((e) => e.type === 'TaskScheduled').map((e) => JSON.parse(e.taskScheduledEventDetails!.parameters!));
}

/** The CloudWatch check's answer: count({"<metric>"}), one series. */
const cloudWatchCount = success({ resultType: 'vector', result: [{ metric: {}, value: [1680307200, '7'] }] });
const rows = (stdout: string) => stdout.trimEnd().split('\n').map((l) => l.replace(/\d+ ms {2}/, 'N ms  ').replace(/\s+/g, ' '));

it('checks CloudWatch PromQL too on a stack deployed with CloudWatchPromQL=true, and only there', async () => {
  const stack = await deployStack({ CloudWatchPromQL: 'true' });
  await moto.queueLambdaResults([serverInfo, metrics, query, range, routed, ...more, cloudWatchCount]);
  const { code, stdout } = await verify('--stack', stack, '--region', REGION);
  expect(code).toBe(0);
  expect(rows(stdout).slice(-3)).toEqual(['PASS cloudwatch N ms count({"Invocations"}) on CloudWatch returned 1 series', '', 'SUCCEEDED: 10 passed, 0 failed']);
  // The CloudWatch check invoked the query function with workspace_id cloudwatch and its own query.
  expect((await invocations()).at(-1)).toEqual({
    FunctionName: `arn:aws:lambda:${REGION}:123456789012:function:QueryFunctionArn`,
    Payload: { workspace_id: 'cloudwatch', region: REGION, max_series: 20, query: 'count({"Invocations"})' },
  });
}, 60_000);

it('counts the metric --cloudwatch-metric names, a dotted OpenTelemetry one quoted, whatever the stack says', async () => {
  const stack = await deployStack();
  await moto.queueLambdaResults([serverInfo, metrics, query, range, routed, ...more, cloudWatchCount]);
  const { code, stdout } = await verify('--stack', stack, '--region', REGION, '--cloudwatch-metric', 'http.server.request.duration_count', '--query', 'up');
  expect(code).toBe(0);
  expect(rows(stdout)).toContain('PASS cloudwatch N ms count({"http.server.request.duration_count"}) on CloudWatch returned 1 series');
  // The AMP query given replaces the AMP checks' queries only.
  expect(rows(stdout)).toContain('PASS query N ms up returned 2 series'.replace('2', String(UP_AT_T0.length)));
}, 60_000);

it('exits 2 with a clear message for a stack that is not there', async () => {
  const { code, stderr } = await verify('--stack', 'no-such-stack', '--region', REGION);
  expect(code).toBe(2);
  expect(stderr).toMatch(/^verify failed: .*no-such-stack/m);
});

it('exits 2 with the usage when no stack is named', async () => {
  const { code, stderr } = await verify('--region', REGION);
  expect(code).toBe(2);
  expect(stderr).toMatch(/^usage: npm run verify -- --stack NAME/m);
});
