import { callOf, type Call } from './calls';
import {
  AccessDeniedError,
  AppError,
  ConfigurationError,
  InternalError,
  PrometheusApiError,
  ThrottledError,
  UpstreamError,
  UpstreamTimeoutError,
  WorkspaceNotFoundError,
} from './errors';
import { HttpTimeoutError, ResponseTooLargeError, send, type HttpRequest, type HttpResponse } from './http';
import { signRequest } from './sigv4';

/**
 * The Prometheus HTTP API client: build the request, sign it, send it, retry what is
 * worth retrying, and turn the answer into data or a named error. Composed of small
 * steps in the AWS SDK middleware spirit: `signRequest` and `send` do one job each.
 */

/** Query strings longer than this go as a POST form where the endpoint takes one. */
export const MAX_GET_QUERY_LENGTH = 2048;

/**
 * The endpoints AMP serves over POST as well as GET (its API reference: QueryMetrics,
 * GetSeries, and GetLabels' `/labels`). Every other one — `/label/<name>/values`,
 * `/metadata`, `/rules`, `/alerts` — is GET only, whatever the length of its query.
 */
const POST_ENDPOINTS: ReadonlySet<string> = new Set(['query', 'query_range', 'series', 'labels']);
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 5000;

export interface PrometheusTarget {
  /** The API root, `.../api/v1`, with any path prefix (e.g. `/workspaces/ws-x`) kept. */
  baseUrl: URL;
  region: string;
  sigv4: boolean;
}

export interface CallOptions {
  /** Epoch milliseconds by which the call must have returned or failed. */
  deadline: number;
  /** Counters the handler turns into metrics. */
  stats: CallStats;
  /** The calls the operation declared (its IAM follows from them): any other is refused. */
  calls?: ReadonlySet<Call>;
}

export interface CallStats {
  retries: number;
  upstreamErrors: number;
}

export interface ClientSettings {
  maxAttempts: number;
  maxResponseBytes: number;
  /** Injected in tests to avoid real waits; defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface PrometheusAnswer<T = unknown> {
  data: T;
  /** Size of the answer as Prometheus sent it (uncompressed), in bytes. */
  bytes: number;
  warnings?: string[];
  infos?: string[];
}

type Params = [string, string][];

export class PrometheusClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly target: PrometheusTarget,
    private readonly settings: ClientSettings,
  ) {
    this.sleep = settings.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = settings.random ?? Math.random;
  }

  /** Calls `<baseUrl>/<endpoint>`: GET, or a POST form when the parameters are long and the endpoint takes one. */
  async call<T = unknown>(endpoint: string, params: Params, options: CallOptions): Promise<PrometheusAnswer<T>> {
    const call = callOf(endpoint);
    if (options.calls !== undefined && (call === undefined || !options.calls.has(call))) {
      // A programming error, caught by every test: on AWS the role would lack its action.
      throw new InternalError(`the operation calls ${endpoint}, which it does not declare (its role would not allow it)`);
    }
    const request = this.buildRequest(endpoint, params);
    const response = await this.sendWithRetries(request, options);
    return parseAnswer<T>(response, endpoint);
  }

  private buildRequest(endpoint: string, params: Params): HttpRequest {
    const url = new URL(`${this.target.baseUrl.href.replace(/\/+$/, '')}/${endpoint}`);
    const headers: Record<string, string> = { accept: 'application/json', 'accept-encoding': 'gzip' };
    // On the wire exactly as SigV4 canonicalizes it (space %20, `+` %2B): AWS signs the
    // query string as received, and does not read `+` as a space.
    const search = encodeQuery(params);
    if (search.length <= MAX_GET_QUERY_LENGTH || !POST_ENDPOINTS.has(endpoint)) {
      url.search = search;
      return { method: 'GET', url, headers };
    }
    // A form body is signed as bytes: its own encoding is free.
    const form = new URLSearchParams(params).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(form));
    return { method: 'POST', url, headers, body: form };
  }

  private async sendWithRetries(request: HttpRequest, options: CallOptions): Promise<HttpResponse> {
    const { maxAttempts } = this.settings;
    for (let attempt = 1; ; attempt++) {
      const remaining = options.deadline - Date.now();
      if (remaining <= 0) throw timeoutError(attempt - 1);

      const signed = this.target.sigv4 ? await this.sign(request) : request;
      let outcome: { response: HttpResponse } | { error: Error };
      try {
        outcome = { response: await send(signed, { timeoutMs: remaining, maxBytes: this.settings.maxResponseBytes }) };
      } catch (error) {
        outcome = { error: error as Error };
      }

      const failure =
        'error' in outcome ? classifyNetworkError(outcome.error, attempt) : classifyStatus(outcome.response, request);
      if (failure === undefined) return (outcome as { response: HttpResponse }).response;
      options.stats.upstreamErrors++;
      if (!failure.retryable || attempt >= maxAttempts) throw failure.error(attempt);

      const delay = failure.retryAfterMs ?? this.backoff(attempt);
      if (Date.now() + delay >= options.deadline) {
        throw failure.error(attempt, `the next retry (in ${delay} ms) would pass the function's deadline`);
      }
      options.stats.retries++;
      await this.sleep(delay);
    }
  }

  private async sign(request: HttpRequest): Promise<HttpRequest> {
    try {
      return await signRequest(request, this.target.region);
    } catch (error) {
      throw new ConfigurationError(
        `no AWS credentials to sign the request with (${(error as Error).name}); ` +
          'give the function a role, or set PROMETHEUS_SIGV4=false for a Prometheus without SigV4',
      );
    }
  }

  /** Exponential backoff with full jitter. */
  private backoff(attempt: number): number {
    return Math.round(this.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
  }
}

interface Failure {
  retryable: boolean;
  retryAfterMs?: number;
  error: (attempts: number, why?: string) => AppError;
}

function timeoutError(attempts: number): UpstreamTimeoutError {
  return new UpstreamTimeoutError(
    `Prometheus did not answer before the function's deadline (${attempts} attempt${attempts === 1 ? '' : 's'}); ` +
      'narrow the query (shorter range, larger step, fewer series) or raise the timeout',
  );
}

function classifyNetworkError(error: Error, attempt: number): Failure {
  if (error instanceof HttpTimeoutError) return { retryable: false, error: () => timeoutError(attempt) };
  if (error instanceof ResponseTooLargeError) {
    return {
      retryable: false,
      error: () =>
        new UpstreamError(`the Prometheus answer is larger than ${error.limit} bytes; narrow the query or add limits`),
    };
  }
  const code = (error as NodeJS.ErrnoException).code ?? error.message;
  return {
    retryable: true,
    error: (attempts, why) => new UpstreamError(`could not reach Prometheus: ${code} (${tries(attempts, why)})`),
  };
}

function classifyStatus(response: HttpResponse, request: HttpRequest): Failure | undefined {
  const { status } = response;
  if (status < 400) return undefined;
  const body = parseJson(response.body);
  // Prometheus' own errors (bad_data, execution, timeout, canceled…) answer the same
  // way again: retrying a query that timed out would only multiply its cost.
  const retryable = !isPrometheusError(body) && (status === 429 || status >= 500);
  return {
    retryable,
    retryAfterMs: retryable ? retryAfter(response.headers['retry-after']) : undefined,
    error: (attempts, why) => statusError(response, body, request, retryable ? tries(attempts, why) : undefined),
  };
}

function tries(attempts: number, why?: string): string {
  return `after ${attempts} attempt${attempts === 1 ? '' : 's'}${why === undefined ? '' : `; ${why}`}`;
}

function statusError(response: HttpResponse, body: unknown, request: HttpRequest, context: string | undefined): AppError {
  const { status } = response;
  const suffix = context === undefined ? '' : ` (${context})`;
  if (isPrometheusError(body)) {
    return new PrometheusApiError(body.errorType, `${body.error}${suffix}`, status, body.warnings);
  }
  const detail = upstreamMessage(body, response.body);
  if (status === 429) return new ThrottledError(`Prometheus throttled the request${suffix}: ${detail}`);
  if (status === 401 || status === 403) {
    return new AccessDeniedError(`Prometheus refused the request (HTTP ${status}): ${detail}`);
  }
  if (status === 404) {
    return new WorkspaceNotFoundError(
      `Prometheus answered HTTP 404: ${detail}; check the workspace ID and region (or PROMETHEUS_URL)`,
    );
  }
  // Refusals of the request's form, not of the query: never `bad_data`, which would
  // tell the agent to rewrite a query that is fine.
  const endpoint = request.url.pathname.replace(/^.*\/api\/v1\//, '');
  if (status === 405) {
    return new UpstreamError(`Prometheus does not accept ${request.method} on ${endpoint} (HTTP 405 Method Not Allowed): ${detail}`);
  }
  if (status === 413) {
    return new UpstreamError(`the request to ${endpoint} is too large for Prometheus (HTTP 413 Payload Too Large): shorten the query`);
  }
  if (status === 414) {
    return new UpstreamError(
      `the URL of the request to ${endpoint} is too long for Prometheus (HTTP 414 URI Too Long): shorten the match selector or query`,
    );
  }
  if (status < 500) return new PrometheusApiError('bad_data', `HTTP ${status}: ${detail}`, status);
  return new UpstreamError(`Prometheus answered HTTP ${status}${suffix}: ${detail}`);
}

function parseAnswer<T>(response: HttpResponse, endpoint: string): PrometheusAnswer<T> {
  const body = parseJson(response.body);
  if (isPrometheusError(body)) {
    throw new PrometheusApiError(body.errorType, body.error, response.status, body.warnings);
  }
  if (
    body === null ||
    typeof body !== 'object' ||
    (body as { status?: unknown }).status !== 'success' ||
    !('data' in body)
  ) {
    throw new UpstreamError(`Prometheus answered ${endpoint} with a body that is not a Prometheus API response`);
  }
  const answer = body as { data: T; warnings?: string[]; infos?: string[] };
  return {
    data: answer.data,
    bytes: response.body.length,
    ...(Array.isArray(answer.warnings) && answer.warnings.length > 0 ? { warnings: answer.warnings } : {}),
    ...(Array.isArray(answer.infos) && answer.infos.length > 0 ? { infos: answer.infos } : {}),
  };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function isPrometheusError(body: unknown): body is { errorType: string; error: string; warnings?: string[] } {
  const b = body as { status?: unknown; errorType?: unknown; error?: unknown } | null | undefined;
  return b?.status === 'error' && typeof b.errorType === 'string' && typeof b.error === 'string';
}

/** AMP answers errors as `{"message": "..."}`; anything else is quoted, shortened. */
function upstreamMessage(parsed: unknown, raw: Buffer): string {
  const message = (parsed as { message?: unknown } | undefined)?.message;
  const text = typeof message === 'string' ? message : raw.toString('utf8').trim();
  if (text === '') return 'empty body';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds. */
function retryAfter(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Parameters as a query string in SigV4's canonical encoding (RFC 3986, UTF-8). */
export function encodeQuery(params: Params): string {
  return params.map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`).join('&');
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
