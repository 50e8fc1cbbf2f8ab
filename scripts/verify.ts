/**
 * Post-deploy verification of a deployed stack (replaces the seed's
 * test_individual_functions.py): starts the stack's verification state machine, shows
 * its progress, prints the per-check table, and exits 0 when every check passed, 1 when
 * one failed, 2 on a usage or AWS error.
 *
 *   npm run verify -- --stack NAME [--workspace ws-...] [--query PROMQL] [--cloudwatch-metric NAME] [--region REGION]
 *
 * The state machine checks CloudWatch PromQL too where the stack sets CloudWatchPromQL=true,
 * counting the series of a metric: Lambda's vended Invocations, or the one --cloudwatch-metric
 * names (which asks for the check whatever the stack's setting).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { parseArgs } from 'node:util';
import { CHECK_TASK, checkOf, formatReport, withLatencies, type CheckSpan, type Report } from './lib/verification-report';

const OUTPUT_KEY = 'VerifyStateMachineArn';
const POLL_MS = Number(process.env.VERIFY_POLL_MS ?? 2000);
const MAX_POLL_FAILURES = 5;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: 'string' },
      workspace: { type: 'string' },
      query: { type: 'string' },
      'cloudwatch-metric': { type: 'string' },
      region: { type: 'string' },
    },
  });
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (values.stack === undefined || region === undefined) {
    process.stderr.write('usage: npm run verify -- --stack NAME [--workspace ws-...] [--query PROMQL] [--cloudwatch-metric NAME] [--region REGION]\n');
    if (region === undefined) process.stderr.write('(no region: pass --region or set AWS_REGION)\n');
    return 2;
  }

  const stateMachineArn = await findStateMachine(new CloudFormationClient({ region }), values.stack);
  const sfn = new SFNClient({ region });
  const input = {
    ...(values.workspace === undefined ? {} : { workspace_id: values.workspace }),
    ...(values.query === undefined ? {} : { query: values.query }),
    ...(values['cloudwatch-metric'] === undefined ? {} : { cloudwatch: 'true', cloudwatch_query: cloudWatchQuery(values['cloudwatch-metric']) }),
  };
  const name = `verify-${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}`;
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  process.stderr.write(`Started ${executionArn}\n`);

  let status = 'RUNNING';
  let shown = '';
  let pollFailures = 0;
  while (status === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    try {
      status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'UNKNOWN';
      const latest = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 25 }));
      const check = checkOf(json(latest.events?.find((e) => e.type === 'TaskStateEntered')?.stateEnteredEventDetails?.input));
      if (check !== undefined && check !== shown) {
        shown = check;
        process.stderr.write(`  … ${check}\n`);
      }
      pollFailures = 0;
    } catch (error) {
      // A poll that fails once (a network blip, a throttle) is tried again; five in a row end the wait.
      if (++pollFailures >= MAX_POLL_FAILURES) throw error;
    }
  }

  const events = await history(sfn, executionArn!);
  const reportEvent = events.find((e) => e.type === 'PassStateExited' && e.stateExitedEventDetails?.name === 'Report');
  if (reportEvent === undefined) {
    const failure = events.find((e) => e.type === 'ExecutionFailed')?.executionFailedEventDetails;
    process.stderr.write(`The execution ended ${status} without a report${failure ? `: ${failure.error}: ${failure.cause}` : ''}\n`);
    return 1;
  }
  const report = JSON.parse(reportEvent.stateExitedEventDetails!.output!) as Report;
  process.stdout.write(`${formatReport(withLatencies(report, spans(events)), status)}\n`);
  const failure = events.find((e) => e.type === 'ExecutionFailed')?.executionFailedEventDetails;
  if (failure?.cause !== undefined) process.stdout.write(`${failure.cause}\n`);
  return status === 'SUCCEEDED' ? 0 : 1;
}

/**
 * The CloudWatch check's query: the series of one metric, its name quoted (a PromQL string,
 * escaped as JSON escapes it), so that any name works, dotted OpenTelemetry ones included.
 */
export function cloudWatchQuery(metric: string): string {
  return `count({${JSON.stringify(metric)}})`;
}

async function findStateMachine(cloudformation: CloudFormationClient, stackName: string): Promise<string> {
  const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
  const arn = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === OUTPUT_KEY)?.OutputValue;
  if (arn === undefined) throw new Error(`stack ${stackName} has no ${OUTPUT_KEY} output: is it this application's stack?`);
  return arn;
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

/** When the Task state was entered and left for each check, from the history. */
function spans(events: HistoryEvent[]): CheckSpan[] {
  const result: CheckSpan[] = [];
  for (const event of events) {
    if (event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === CHECK_TASK) {
      const check = checkOf(json(event.stateEnteredEventDetails.input));
      if (check !== undefined) result.push({ check, entered: event.timestamp!.getTime() });
    } else if (event.type === 'TaskStateExited' && event.stateExitedEventDetails?.name === CHECK_TASK) {
      const check = checkOf(json(event.stateExitedEventDetails.output));
      const span = result.find((s) => s.check === check && s.exited === undefined);
      if (span !== undefined) span.exited = event.timestamp!.getTime();
    }
  }
  return result;
}

function json(text: string | undefined): unknown {
  return text === undefined ? undefined : JSON.parse(text);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const e = error as Error;
    process.stderr.write(`verify failed: ${e.name === 'ValidationError' || e.name === 'Error' ? '' : `${e.name}: `}${e.message}\n`);
    process.exit(2);
  },
);
