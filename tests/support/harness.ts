import type { Context } from 'aws-lambda';
import { startAmpFront, type AmpFront } from './amp-front';
import { startCloudWatchFront, type CloudWatchFront, type CloudWatchFrontOptions } from './cloudwatch-front';
import { TEST_REGION, TEST_WORKSPACE_ID } from './credentials';
import { functionCredentials } from './iam';
import type { FunctionName } from './events';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * The integration harness: an AMP-like front before the real Prometheus started by
 * the global setup, and the handlers loaded fresh with PROMETHEUS_URL pointing at it.
 */
export interface Harness {
  front: AmpFront;
  handler(name: FunctionName): Promise<Handler>;
  stop(): Promise<void>;
}

/** The AMP-like front before the integration run's Prometheus, serving the test workspace. */
export function startTestFront(): Promise<AmpFront> {
  const upstream = process.env.LOCAL_PROMETHEUS_URL;
  if (upstream === undefined) throw new Error('LOCAL_PROMETHEUS_URL is not set: run through the integration project');
  return startAmpFront({ upstream, workspaces: [TEST_WORKSPACE_ID], region: TEST_REGION });
}

export async function startHarness(env: Record<string, string | undefined> = {}): Promise<Harness> {
  const front = await startTestFront();
  return {
    front,
    handler: (name) => loadHandler(name, { PROMETHEUS_URL: front.workspaceUrl, ...env }),
    stop: () => front.stop(),
  };
}

/**
 * The harness for one test file: started before its tests, stopped after them, and
 * with the front's record and fault cleared before each test.
 */
export function useHarness(env: Record<string, string | undefined> = {}): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    Object.assign(harness, await startHarness(env));
  });
  afterAll(async () => harness.stop());
  beforeEach(() => {
    harness.front.requests.length = 0;
    harness.front.fault = undefined;
  });
  return harness;
}

/**
 * The CloudWatch PromQL harness: the CloudWatch-like front before the integration run's
 * Prometheus 3, and the handlers loaded with CloudWatch enabled and pointed at it (with
 * no WORKSPACE_ID nor PROMETHEUS_URL, CloudWatch is their default target).
 */
export interface CloudWatchHarness {
  front: CloudWatchFront;
  handler(name: FunctionName, env?: Record<string, string | undefined>): Promise<Handler>;
  stop(): Promise<void>;
}

/** The CloudWatch-like front before the integration run's Prometheus 3; IAM from template.yaml with CloudWatchPromQL=true unless `identities` say otherwise. */
export function startTestCloudWatchFront(options: Partial<CloudWatchFrontOptions> = {}): Promise<CloudWatchFront> {
  const upstream = process.env.LOCAL_PROMETHEUS3_URL;
  if (upstream === undefined) throw new Error('LOCAL_PROMETHEUS3_URL is not set: run through the integration project');
  return startCloudWatchFront({ upstream, region: TEST_REGION, ...options });
}

/** The environment that enables CloudWatch PromQL on a function and points it at `front`. */
export function cloudWatchEnv(front: CloudWatchFront): Record<string, string> {
  return { CLOUDWATCH_PROMQL: 'true', CLOUDWATCH_ENDPOINT: front.url };
}

/** useHarness for CloudWatch: the front started before the file's tests, its record and fault cleared before each. */
export function useCloudWatchHarness(options: Partial<CloudWatchFrontOptions> = {}): CloudWatchHarness {
  const harness = {} as CloudWatchHarness;
  beforeAll(async () => {
    const front = await startTestCloudWatchFront(options);
    Object.assign(harness, {
      front,
      handler: (name: FunctionName, env: Record<string, string | undefined> = {}) => loadHandler(name, { ...cloudWatchEnv(front), ...env }),
      stop: () => front.stop(),
    });
  });
  afterAll(async () => harness.stop());
  beforeEach(() => {
    harness.front.requests.length = 0;
    harness.front.fault = undefined;
  });
  return harness;
}

/** Lambda's limit for a synchronous invocation's response: 6 MB. */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/** Fails the call, as Lambda does, when a handler answers more than Lambda may return. */
export function withinLambdaLimit(handler: Handler): Handler {
  return async (event, context) => {
    const result = await handler(event, context);
    const bytes = Buffer.byteLength(JSON.stringify(result) ?? '');
    if (bytes > LAMBDA_RESPONSE_LIMIT_BYTES) {
      throw new Error(`the handler answered ${bytes} bytes, more than Lambda's ${LAMBDA_RESPONSE_LIMIT_BYTES}-byte response limit`);
    }
    return result;
  };
}

/** The one function whose role the environment's credentials are now, and its calls in flight. */
let signing: { name: string; calls: number } | undefined;

/**
 * Runs each call of `handler` as Lambda does, with its function role's credentials in
 * the environment (each function has its own access key, which the stand-ins map to its
 * role in template.yaml). Two functions at once cannot each have their own environment:
 * that fails instead of signing one function's calls with another's role.
 */
export function asFunction(name: FunctionName, handler: Handler): Handler {
  const credentials = functionCredentials(name);
  return async (event, context) => {
    if (signing !== undefined && signing.name !== name) {
      throw new Error(`harness: ${name} called while ${signing.name} is running; call functions one at a time`);
    }
    const saved = process.env.AWS_ACCESS_KEY_ID;
    signing ??= { name, calls: 0 };
    signing.calls++;
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    try {
      return await handler(event, context);
    } finally {
      if (--signing.calls === 0) {
        signing = undefined;
        if (saved === undefined) delete process.env.AWS_ACCESS_KEY_ID;
        else process.env.AWS_ACCESS_KEY_ID = saved;
      }
    }
  };
}

/** Runs `work` with a function role's credentials in the environment, e.g. to sign a request as it would. */
export function signedAs<T>(name: FunctionName, work: () => Promise<T>): Promise<T> {
  return asFunction(name, () => work() as Promise<unknown>)(undefined, undefined as never) as Promise<T>;
}

/** The environment a spawned function (a bundle, the MCP server) signs with: its own role's key. */
export function functionEnv(name: FunctionName): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: functionCredentials(name).accessKeyId };
}

/**
 * Imports a handler in a fresh module registry, so its configuration is read from `env`;
 * it signs with its own role's credentials, and fails any call whose response Lambda
 * could not return.
 */
export async function loadHandler(name: FunctionName, env: Record<string, string | undefined>): Promise<Handler> {
  const saved = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    let handler: Handler | undefined;
    await jest.isolateModulesAsync(async () => {
      handler = (await import(`../../src/handlers/${name}`)).handler as Handler;
    });
    return withinLambdaLimit(asFunction(name, handler!));
  } finally {
    process.env = saved;
  }
}

/** The envelope of a result, whichever shape it came in. */
export function envelopeOf(result: unknown): { status: string; data?: any; error?: { type: string; message: string }; warnings?: string[] } {
  const r = result as { body?: string };
  return typeof r.body === 'string' ? JSON.parse(r.body) : (result as never);
}
