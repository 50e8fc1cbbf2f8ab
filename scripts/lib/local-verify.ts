import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { lambdaContext } from './lambda-context';
import { CHECK_TASK, checkOf, type CheckSpan, type Report } from './verification-report';

/**
 * Runs statemachine/verify.asl.json, the definition deployed to AWS, with
 * aws-local-stepfunctions: its Task state calls the handlers in-process and answers
 * what the `arn:aws:states:::lambda:invoke` integration answers on AWS.
 */

// aws-local-stepfunctions 3 targets Node 22 (Lambda's runtime) and uses Promise.withResolvers,
// which Node 20 lacks: fill it in, to the letter of the standard, when it is missing.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export const DEFINITION_FILE = path.join(__dirname, '..', '..', 'statemachine', 'verify.asl.json');

/** DefinitionSubstitutions key → the handler module it invokes. */
export const FUNCTIONS = {
  ServerInfoFunctionArn: 'server-info',
  ListMetricsFunctionArn: 'list-metrics',
  QueryFunctionArn: 'query',
  RangeQueryFunctionArn: 'range-query',
  IntegrationFunctionArn: 'integration',
  DiscoveryFunctionArn: 'discovery',
  AlertingFunctionArn: 'alerting',
  WorkspacesFunctionArn: 'workspaces',
} as const;

export type LambdaHandler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

export interface LocalRunOptions {
  /** The handlers by module name (server-info, ...). */
  handlers: Record<(typeof FUNCTIONS)[keyof typeof FUNCTIONS], LambdaHandler>;
  input?: Record<string, unknown>;
  defaultWorkspaceId: string;
  defaultRegion: string;
  /** The stack's CloudWatchPromQL: true adds the CloudWatch check to every run (default false, as the template's). */
  cloudWatch?: boolean;
}

export interface LocalRun {
  status: 'SUCCEEDED' | 'FAILED';
  /** The Report state's output: {passed, failed, checks}. */
  report: Report;
  /** The execution's output when it succeeded. */
  output?: unknown;
  error?: string;
  cause?: string;
  spans: CheckSpan[];
  /** The largest input or output of any state, in bytes of JSON: Step Functions allows 256 KB. */
  largestStateBytes: number;
}

/** The definition with `${Name}` substitutions applied, as SAM's DefinitionSubstitutions does. */
export function loadDefinition(substitutions: Record<string, string>): StateMachineDefinition {
  const text = readFileSync(DEFINITION_FILE, 'utf8').replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`no substitution for ${whole} in ${DEFINITION_FILE}`);
    return value;
  });
  return JSON.parse(text) as StateMachineDefinition;
}

export async function runVerificationLocally(options: LocalRunOptions): Promise<LocalRun> {
  const arns: Record<string, LambdaHandler> = {};
  const substitutions: Record<string, string> = {
    Partition: 'aws',
    DefaultWorkspaceId: options.defaultWorkspaceId,
    DefaultRegion: options.defaultRegion,
    CloudWatchPromQL: String(options.cloudWatch ?? false),
  };
  for (const [key, name] of Object.entries(FUNCTIONS)) {
    const arn = `arn:aws:lambda:${options.defaultRegion}:000000000000:function:local-prometheus-${name}`;
    substitutions[key] = arn;
    arns[arn] = options.handlers[name];
  }
  const definition = loadDefinition(substitutions);

  let invocations = 0;
  const invokeLambda = async (input: unknown): Promise<never> => {
    const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
    const handler = arns[FunctionName];
    if (handler === undefined) throw Object.assign(new Error(`Function not found: ${FunctionName}`), { name: 'Lambda.ResourceNotFoundException' });
    const payload = await handler(Payload, lambdaContext({ functionName: FunctionName.split(':').pop()! }));
    invocations++;
    // What the lambda:invoke integration returns on AWS.
    return JSON.parse(JSON.stringify({
      ExecutedVersion: '$LATEST',
      Payload: payload,
      SdkHttpMetadata: { HttpHeaders: { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST' }, HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: `local-${invocations}` },
      StatusCode: 200,
    })) as never;
  };
  const machine = new StateMachine(definition);
  const execution = machine.run((options.input ?? {}) as never, {
    overrides: { taskResourceLocalHandlers: { [CHECK_TASK]: invokeLambda }, retryIntervalOverrides: { [CHECK_TASK]: 0 } },
  });

  const spans: CheckSpan[] = [];
  let report: Report | undefined;
  let largestStateBytes = 0;
  const events = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type !== 'StateEntered' && event.type !== 'StateExited') continue;
      const { name, input, output } = event.state as { name: string; input: unknown; output?: unknown };
      largestStateBytes = Math.max(largestStateBytes, size(input), size(output));
      const check = name === CHECK_TASK ? checkOf(input) : undefined;
      if (check !== undefined && event.type === 'StateEntered') spans.push({ check, entered: event.timestamp });
      if (check !== undefined && event.type === 'StateExited') {
        const span = [...spans].reverse().find((s) => s.check === check && s.exited === undefined);
        if (span !== undefined) span.exited = event.timestamp;
      }
      if (name === 'Report' && event.type === 'StateExited') report = output as Report;
    }
  })();

  let run: Omit<LocalRun, 'report' | 'spans' | 'largestStateBytes'>;
  try {
    run = { status: 'SUCCEEDED', output: await execution.result };
  } catch (error) {
    if (!(error instanceof ExecutionError)) throw error;
    const cause = (error as { cause?: { name?: string; message?: string } }).cause;
    run = { status: 'FAILED', error: cause?.name, cause: cause?.message };
  }
  await events;
  if (report === undefined) throw new Error(`the execution ended (${run.status}: ${run.cause ?? ''}) without a report`);
  return { ...run, report: { passed: report.passed, failed: report.failed, checks: report.checks }, spans, largestStateBytes };
}

function size(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}
