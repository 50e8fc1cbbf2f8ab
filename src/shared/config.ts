/**
 * Configuration, read once per container at cold start. A malformed value fails the
 * init with a message naming the variable, rather than every request later.
 */
import { CLOUDWATCH_TARGET } from './cloudwatch';
import { MAX_RESPONSE_BUDGET_BYTES } from './result-size';
import { REGION_PATTERN, WORKSPACE_ID_PATTERN } from './security';

export interface Config {
  /**
   * Workspace used when a request names none (WORKSPACE_ID); `cloudwatch` when CloudWatch
   * PromQL is enabled and neither WORKSPACE_ID nor PROMETHEUS_URL is set.
   */
  defaultWorkspaceId?: string;
  /** Region used when a request names none (AWS_REGION). */
  defaultRegion?: string;
  /** Query this Prometheus instead of resolving the workspace through DescribeWorkspace. */
  prometheusUrl?: URL;
  /** Sign requests with SigV4 (off only for a self-managed Prometheus without auth). */
  sigv4: boolean;
  /** CloudWatch PromQL may be queried, as workspace_id `cloudwatch` (CLOUDWATCH_PROMQL). */
  cloudWatch: boolean;
  /** CloudWatch's endpoint, instead of `https://monitoring.<region>.amazonaws.com` (CLOUDWATCH_ENDPOINT: a stand-in, in tests). */
  cloudWatchEndpoint?: URL;
  /** Attempts per upstream call, the first included. */
  maxAttempts: number;
  /** Largest upstream answer read, in bytes. */
  maxResponseBytes: number;
  /** How long a DescribeWorkspace answer is reused. */
  workspaceCacheTtlMs: number;
  /** Largest response a function sends; larger answers are cut, with a note. */
  responseBudgetBytes: number;
  /** The only workspaces requests may name (ALLOWED_WORKSPACE_IDS); undefined allows any. */
  allowedWorkspaceIds?: ReadonlySet<string>;
  /** The only regions requests may name (ALLOWED_REGIONS); undefined allows any. */
  allowedRegions?: ReadonlySet<string>;
  /** The tools the router, the gateway and the MCP server expose (ENABLED_TOOLS); undefined exposes all. */
  enabledTools?: ReadonlySet<string>;
  /** AMP's samples-processed thresholds sent with every query (a call may only lower them). */
  samplesThresholds: { warning?: number; error?: number };
  /** Largest response to a tool call (the gateway's, the MCP server's), in tokens as estimated: what a model's host accepts. */
  agentResponseBudgetTokens: number;
  /**
   * With PROMETHEUS_URL, the Alertmanager beside it (ALERTMANAGER_URL, its v2 API under
   * `/api/v2`), signed as the Prometheus is (PROMETHEUS_SIGV4). On AMP the workspace's own.
   */
  alertmanagerUrl?: URL;
  /** Agents may create silences and expire theirs (ALLOW_SILENCES, template parameter AllowSilences); off by default. */
  allowSilences: boolean;
  /** The longest silence an agent may create, in hours (MAX_SILENCE_HOURS). */
  maxSilenceHours: number;
}

/**
 * Parsing JSON costs several times its size in memory (measured: 16 MB of series kept
 * took 192 MB RSS in a 256 MB function, the answer's shaping included; the bytes streamed
 * past are freed only at V8's next collection, tens of MB more under load), so what is
 * held of an answer is a sixty-fourth of the function's memory
 * (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, set by Lambda): 4 MB in 256 MB, 8 MB in 512 MB, more
 * than any answer's budget (6 MB, or 20,000 tokens for a model), and the peak stays under
 * 60% of the memory (tests/integration/memory.test.ts). A
 * larger query or discovery answer is read as a stream and cut to the whole series (items)
 * that fit, the rest counted; another larger answer (metadata, rules, alerts) is refused
 * with a clear "narrow the query" instead of an out-of-memory crash.
 */
export const MEMORY_PER_RESPONSE_BYTE = 64;
const LOCAL_MEMORY_MB = 1024;

function defaultMaxResponseBytes(env: NodeJS.ProcessEnv): number {
  const memoryMb = integer(env, 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', LOCAL_MEMORY_MB, 128, 10_240);
  return Math.floor((memoryMb * 1024 * 1024) / MEMORY_PER_RESPONSE_BYTE);
}

const TOOL_NAME_PATTERN = '^[a-z][a-z_]*$';

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const workspaceId = matching(env, 'WORKSPACE_ID', WORKSPACE_ID_PATTERN);
  const prometheusUrl = url(env, 'PROMETHEUS_URL');
  const cloudWatch = boolean(env, 'CLOUDWATCH_PROMQL', false);
  if (workspaceId === CLOUDWATCH_TARGET && !cloudWatch) {
    throw new Error(`environment variable WORKSPACE_ID is ${CLOUDWATCH_TARGET}, but CLOUDWATCH_PROMQL is not true`);
  }
  return {
    // A deployment of CloudWatch alone queries it by default.
    defaultWorkspaceId: workspaceId ?? (cloudWatch && prometheusUrl === undefined ? CLOUDWATCH_TARGET : undefined),
    defaultRegion: matching(env, 'AWS_REGION', REGION_PATTERN),
    prometheusUrl,
    sigv4: boolean(env, 'PROMETHEUS_SIGV4', true),
    cloudWatch,
    cloudWatchEndpoint: url(env, 'CLOUDWATCH_ENDPOINT'),
    maxAttempts: integer(env, 'PROMETHEUS_MAX_ATTEMPTS', 3, 1, 10),
    maxResponseBytes: integer(env, 'PROMETHEUS_MAX_RESPONSE_BYTES', defaultMaxResponseBytes(env), 1024, 1024 ** 3),
    workspaceCacheTtlMs: integer(env, 'WORKSPACE_CACHE_TTL_SECONDS', 300, 0, 86_400) * 1000,
    responseBudgetBytes: integer(env, 'RESPONSE_BUDGET_BYTES', MAX_RESPONSE_BUDGET_BYTES, 1024, MAX_RESPONSE_BUDGET_BYTES),
    allowedWorkspaceIds: list(env, 'ALLOWED_WORKSPACE_IDS', WORKSPACE_ID_PATTERN),
    allowedRegions: list(env, 'ALLOWED_REGIONS', REGION_PATTERN),
    enabledTools: list(env, 'ENABLED_TOOLS', TOOL_NAME_PATTERN),
    samplesThresholds: {
      warning: optionalInteger(env, 'MAX_SAMPLES_PROCESSED_WARNING_THRESHOLD'),
      error: optionalInteger(env, 'MAX_SAMPLES_PROCESSED_ERROR_THRESHOLD'),
    },
    // At most 3 bytes per estimated token: the largest budget stays under Lambda's 6 MB.
    agentResponseBudgetTokens: integer(env, 'AGENT_RESPONSE_BUDGET_TOKENS', 20_000, 500, MAX_RESPONSE_BUDGET_BYTES / 6),
    alertmanagerUrl: alertmanagerUrl(env, prometheusUrl),
    allowSilences: boolean(env, 'ALLOW_SILENCES', false),
    maxSilenceHours: integer(env, 'MAX_SILENCE_HOURS', 4, 1, 168),
  };
}

export const config: Config = loadConfig(process.env);

/** ALERTMANAGER_URL goes with PROMETHEUS_URL: on AMP each workspace has its own. */
function alertmanagerUrl(env: NodeJS.ProcessEnv, prometheusUrl: URL | undefined): URL | undefined {
  const am = url(env, 'ALERTMANAGER_URL');
  if (am !== undefined && prometheusUrl === undefined) {
    throw new Error('environment variable ALERTMANAGER_URL goes with PROMETHEUS_URL: on AMP the workspace\'s own Alertmanager is used');
  }
  return am;
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function matching(env: NodeJS.ProcessEnv, name: string, pattern: string): string | undefined {
  const raw = value(env, name);
  if (raw !== undefined && !new RegExp(pattern).test(raw)) {
    throw new Error(`environment variable ${name} must match ${pattern}`);
  }
  return raw;
}

/** A comma-separated list, each entry matching `pattern`; empty entries are ignored. */
function list(env: NodeJS.ProcessEnv, name: string, pattern: string): ReadonlySet<string> | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const re = new RegExp(pattern);
  const bad = entries.find((e) => !re.test(e));
  if (bad !== undefined) throw new Error(`environment variable ${name} has an entry that does not match ${pattern}`);
  return entries.length === 0 ? undefined : new Set(entries);
}

function url(env: NodeJS.ProcessEnv, name: string): URL | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Error(`environment variable ${name} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`environment variable ${name} must be an http:// or https:// URL`);
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '') {
    throw new Error(`environment variable ${name} must not carry credentials, a query or a fragment`);
  }
  return parsed;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = value(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`environment variable ${name} must be true or false`);
}

/** A positive integer, or undefined when unset or 0 (the template's "none"). */
function optionalInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const parsed = integer(env, name, 0, 0, Number.MAX_SAFE_INTEGER);
  return parsed === 0 ? undefined : parsed;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new Error(`environment variable ${name} must be an integer from ${min} to ${max}`);
  }
  return parsed;
}
