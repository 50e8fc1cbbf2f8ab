import { ALERTMANAGER_CALLS, callOf, type AlertmanagerCall, type Call } from './calls';
import { CLOUDWATCH_SERVICE, cloudWatchParams, MAX_DISCOVERY_RESULTS, MAX_QUERY_SERIES } from './cloudwatch';
import {
  AccessDeniedError,
  AppError,
  ConfigurationError,
  InternalError,
  LimitExceededError,
  NoAlertmanagerError,
  NotSupportedError,
  PrometheusApiError,
  SilenceNotFoundError,
  ThrottledError,
  UpstreamError,
  UpstreamTimeoutError,
  WorkspaceNotFoundError,
} from './errors';
import { HttpTimeoutError, ResponseTooLargeError, send, type HttpRequest, type HttpResponse, type SendOptions } from './http';
import { signRequest, type SigningService } from './sigv4';

/**
 * The Prometheus HTTP API client: build the request, sign it, send it, retry what is
 * worth retrying, and turn the answer into data or a named error. Composed of small
 * steps in the AWS SDK middleware spirit: `signRequest` and `send` do one job each.
 */

/** Query strings longer than this go as a POST form where the endpoint takes one. */
export const MAX_GET_QUERY_LENGTH = 2048;

/**
 * The endpoints AMP serves over POST as well as GET (its API reference: QueryMetrics,
 * GetSeries, and GetLabels' `/labels`); CloudWatch PromQL's are the same. Every other
 * one — `/label/<name>/values`, `/metadata`, `/rules`, `/alerts` — is GET only, whatever
 * the length of its query.
 */
const POST_ENDPOINTS: ReadonlySet<string> = new Set(['query', 'query_range', 'series', 'labels']);
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 5000;

export interface PrometheusTarget {
  /** The API root, `.../api/v1`, with any path prefix (e.g. `/workspaces/ws-x`) kept. */
  baseUrl: URL;
  region: string;
  sigv4: boolean;
  /** The service signed for: AMP (and a Prometheus behind a SigV4 front), or CloudWatch PromQL, whose rules are checked before each call. */
  service: SigningService;
  /** The Alertmanager's v2 API root (`.../alertmanager/api/v2` on AMP, ALERTMANAGER_URL's locally); undefined where there is none. */
  alertmanagerUrl?: URL;
}

export interface CallOptions {
  /** Epoch milliseconds by which the call must have returned or failed. */
  deadline: number;
  /** Counters the handler turns into metrics. */
  stats: CallStats;
  /** The calls the operation declared (its IAM follows from them): any other is refused. */
  calls?: ReadonlySet<Call>;
  /** The calls it declared for CloudWatch PromQL (its cloudwatch: actions follow from them), where fewer. */
  cloudWatchCalls?: ReadonlySet<Call>;
}

export interface CallStats {
  retries: number;
  upstreamErrors: number;
  /**
   * Query samples processed by the queries answered so far (AMP's `stats=all`:
   * `data.stats.samples.totalQueryableSamples`, what AMP bills queries by; Prometheus
   * answers the same figure); undefined while no query was answered.
   */
  samplesProcessed?: number;
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
  /** The upstream's own warning that it cut the answer (CloudWatch: at most 500 series per query, 10,000 results per discovery call). */
  truncation?: string;
  /**
   * Where the answer was larger than the function reads (maxResponseBytes): its array
   * (a query's series, a discovery call's items) was read as a stream and cut to the first
   * `kept` of `total` whole elements.
   */
  cut?: { total: number; kept: number };
}

/** The large array of each endpoint's answer, which is read as a stream and cut to what the function may hold. */
function arrayPath(call: Call | undefined): readonly string[] | undefined {
  if (call === 'query' || call === 'query_range') return ['data', 'result'];
  if (call === 'series' || call === 'labels' || call === 'label/values') return ['data'];
  return undefined;
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

  /** Whether the target has an Alertmanager to ask (AMP's workspaces have the path; locally, ALERTMANAGER_URL). */
  get hasAlertmanager(): boolean {
    return this.target.alertmanagerUrl !== undefined && this.target.service !== CLOUDWATCH_SERVICE;
  }

  /** Whether the calls go to CloudWatch PromQL, whose rules (a 7-day reach, metric names) its callers may plan for. */
  get cloudWatch(): boolean {
    return this.target.service === CLOUDWATCH_SERVICE;
  }

  /** Calls `<baseUrl>/<endpoint>`: GET, or a POST form when the parameters are long and the endpoint takes one. */
  async call<T = unknown>(endpoint: string, params: Params, options: CallOptions): Promise<PrometheusAnswer<T>> {
    const call = callOf(endpoint);
    if (options.calls !== undefined && (call === undefined || !options.calls.has(call))) {
      // A programming error, caught by every test: on AWS the role would lack its action.
      throw new InternalError(`the operation calls ${endpoint}, which it does not declare (its role would not allow it)`);
    }
    const cloudWatch = this.target.service === CLOUDWATCH_SERVICE;
    if (cloudWatch && call !== undefined && options.cloudWatchCalls !== undefined && !options.cloudWatchCalls.has(call)) {
      throw new InternalError(`the operation calls ${endpoint} on CloudWatch, which it does not declare (its role would not allow it)`);
    }
    // What a query cost: AMP documents `stats=all` on QueryMetrics ("Query statistics":
    // samples.totalQueryableSamples, the figure it bills), and Prometheus answers it too.
    // CloudWatch documents no such parameter: it is not sent there.
    const costed = !cloudWatch && (call === 'query' || call === 'query_range');
    // CloudWatch's documented rules, before any call: what it would refuse is refused here, saying how to fix it.
    const sent = cloudWatch ? await cloudWatchParams(endpoint, call, params, Date.now() / 1000) : costed ? [...params, STATS_PARAM] : params;
    const request = this.buildRequest(endpoint, sent);
    const path = arrayPath(call);
    const response = await this.sendWithRetries(request, options, path === undefined ? undefined : { path, keepBytes: this.settings.maxResponseBytes });
    const answer = parseAnswer<T>(response, endpoint, cloudWatch);
    if (costed) {
      const samples = takeSamplesProcessed(answer.data);
      if (samples !== undefined) options.stats.samplesProcessed = (options.stats.samplesProcessed ?? 0) + samples;
    }
    return answer;
  }

  /**
   * Calls the Alertmanager's v2 API (`<alertmanagerUrl>/<path>`): its JSON answer as it is, and
   * its size (what the answer's budget is weighed against, as a Prometheus answer's is).
   * A 404 on a list means there is no Alertmanager there (an AMP workspace without an
   * alert manager definition); on one silence, that the silence does not exist.
   */
  async alertmanager<T = unknown>(
    call: AlertmanagerCall,
    options: CallOptions,
    request: { id?: string; params?: Params; body?: unknown } = {},
  ): Promise<{ data: T; bytes: number }> {
    if (options.calls !== undefined && !options.calls.has(call)) {
      throw new InternalError(`the operation calls ${call}, which it does not declare (its role would not allow it)`);
    }
    if (this.target.service === CLOUDWATCH_SERVICE) {
      throw new NotSupportedError('CloudWatch has no Alertmanager: use CloudWatch alarms (PromQL alarms: DescribeAlarms / the console) and their actions');
    }
    const root = this.target.alertmanagerUrl;
    if (root === undefined) throw new NoAlertmanagerError(NO_ALERTMANAGER_CONFIGURED);
    const { method, path } = ALERTMANAGER_CALLS[call];
    const url = new URL(`${root.href.replace(/\/+$/, '')}/${path.replace('{id}', encodeURIComponent(request.id ?? ''))}`);
    url.search = encodeQuery(request.params ?? []);
    const headers: Record<string, string> = { accept: 'application/json', 'accept-encoding': 'gzip' };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    let response: HttpResponse;
    try {
      response = await this.sendWithRetries({ method, url, headers, ...(body === undefined ? {} : { body }) }, options);
    } catch (error) {
      if (error instanceof WorkspaceNotFoundError) {
        throw path.includes('{id}')
          ? new SilenceNotFoundError(`no silence ${request.id}: alerts with show: 'silences' lists them`)
          : new NoAlertmanagerError(
              this.target.sigv4
                ? 'this workspace has no Alertmanager (AMP answered 404 on its Alertmanager API): create its alert manager definition (CreateAlertManagerDefinition) to route and silence alerts; the alerts tool still lists what its rules fire'
                : `no Alertmanager answers at ${root.href} (HTTP 404): check ALERTMANAGER_URL`,
            );
      }
      throw error;
    }
    if (response.body.length === 0) return { data: undefined as T, bytes: 0 };
    const parsed = parseJson(response.body);
    if (parsed === undefined) throw new UpstreamError(`the Alertmanager answered ${call} with a body that is not JSON`);
    return { data: parsed as T, bytes: response.body.length };
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

  private async sendWithRetries(request: HttpRequest, options: CallOptions, cut?: SendOptions['cut']): Promise<HttpResponse> {
    const { maxAttempts } = this.settings;
    for (let attempt = 1; ; attempt++) {
      const remaining = options.deadline - Date.now();
      if (remaining <= 0) throw timeoutError(attempt - 1);

      const signed = this.target.sigv4 ? await this.sign(request) : request;
      let outcome: { response: HttpResponse } | { error: Error };
      try {
        outcome = { response: await send(signed, { timeoutMs: remaining, maxBytes: this.settings.maxResponseBytes, ...(cut === undefined ? {} : { cut }) }) };
      } catch (error) {
        outcome = { error: error as Error };
      }

      const failure =
        'error' in outcome ? classifyNetworkError(outcome.error, attempt) : classifyStatus(outcome.response, request, this.target);
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
      return await signRequest(request, this.target.region, this.target.service);
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

function classifyStatus(response: HttpResponse, request: HttpRequest, target: PrometheusTarget): Failure | undefined {
  const { status } = response;
  if (status < 400) return undefined;
  const body = parseJson(response.body);
  const cloudWatch = target.service === CLOUDWATCH_SERVICE;
  // Prometheus' own errors (bad_data, execution, timeout, canceled…) answer the same
  // way again: retrying a query that timed out would only multiply its cost. CloudWatch's
  // 429 (too many concurrent requests) passes, whatever its body says.
  const retryable = (!isPrometheusError(body) && (status === 429 || status >= 500)) || (cloudWatch && status === 429);
  return {
    retryable,
    retryAfterMs: retryable ? retryAfter(response.headers['retry-after']) : undefined,
    error: (attempts, why) => {
      const context = retryable ? tries(attempts, why) : undefined;
      return (cloudWatch ? cloudWatchError(response, body, request, target, context) : undefined) ?? statusError(response, body, request, context);
    },
  };
}

/** Words of a limit in CloudWatch's 422 (its other 422s are Prometheus' execution errors, kept as they are). */
const LIMIT_TEXT = /limit|exceed|maximum|too many|throttl|quota|per second|\bTPS\b|timed? ?out/i;

/**
 * CloudWatch's answers that mean more than Prometheus' would: its PromQL limits (422),
 * its concurrency limit (429), the role's actions (403). Undefined: as from Prometheus.
 */
function cloudWatchError(response: HttpResponse, body: unknown, request: HttpRequest, target: PrometheusTarget, context: string | undefined): AppError | undefined {
  const { status } = response;
  const detail = isPrometheusError(body) ? body.error : upstreamMessage(body, response.body);
  const endpoint = request.url.pathname.replace(/^.*\/api\/v1\//, '');
  const query = endpoint === 'query' || endpoint === 'query_range';
  if (status === 429) {
    return new ThrottledError(
      `CloudWatch throttled the request (HTTP 429: at most 30 concurrent PromQL ${query ? 'query' : 'discovery'} requests per account)` +
        `${context === undefined ? '' : ` (${context})`}: ${detail}; try again shortly`,
    );
  }
  if (status === 422 && (!isPrometheusError(body) || LIMIT_TEXT.test(body.error))) {
    return new LimitExceededError(
      `CloudWatch refused the request under one of its PromQL limits (HTTP 422): ${detail}. Its limits: ` +
        `${query ? '300 query' : '10 discovery'} requests per second per account, 30 days per query (ranges, offsets and lookback included), range selectors of 24h, ` +
        `${MAX_QUERY_SERIES} series per query and ${MAX_DISCOVERY_RESULTS.toLocaleString('en-US')} per discovery call, 100,000 series and ` +
        '300,000,000 samples scanned per 24 h window, 20 s of execution; the same request meets the same limit: narrow it ' +
        '(a shorter range, more matchers, a larger step), or wait a second if it is the rate',
    );
  }
  if (status === 401 || status === 403) {
    return new AccessDeniedError(
      `CloudWatch refused the request (HTTP ${status}): ${detail}; the function's role needs ` +
        `${query ? 'cloudwatch:GetMetricData and cloudwatch:ListMetrics' : 'cloudwatch:ListMetrics'} (template parameter ` +
        `CloudWatchPromQL=true), signed for the monitoring service`,
    );
  }
  if (status === 404) {
    return new UpstreamError(
      `CloudWatch answered HTTP 404 on ${endpoint}: ${detail}; CloudWatch PromQL may not be available in ${target.region}`,
    );
  }
  return undefined;
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

const STATS_PARAM: [string, string] = ['stats', 'all'];

/** With PROMETHEUS_URL and no ALERTMANAGER_URL: how to name one. */
export const NO_ALERTMANAGER_CONFIGURED =
  'no Alertmanager is configured: with PROMETHEUS_URL, set ALERTMANAGER_URL to one (its v2 API); on AMP each workspace has its own';

/**
 * The samples a query processed, from its answer's `stats` (removed from the data: the
 * caller keeps Prometheus' `{resultType, result}`); undefined when the answer has none.
 */
function takeSamplesProcessed(data: unknown): number | undefined {
  if (data === null || typeof data !== 'object' || !('stats' in data)) return undefined;
  const { stats } = data as { stats?: { samples?: { totalQueryableSamples?: unknown } } };
  delete (data as { stats?: unknown }).stats;
  const total = stats?.samples?.totalQueryableSamples;
  return typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : undefined;
}

/** CloudWatch's warning that it cut an answer: "result truncated to the maximum of 500 series; …". */
const TRUNCATION_WARNING = /\btruncated\b/i;

function parseAnswer<T>(response: HttpResponse, endpoint: string, cloudWatch: boolean): PrometheusAnswer<T> {
  const body = response.cut === undefined ? parseJson(response.body) : response.cut.json;
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
  const warnings = Array.isArray(answer.warnings) && answer.warnings.length > 0 ? answer.warnings : undefined;
  // CloudWatch cuts an answer at its limits with a 200 and a warning: the answer says it is truncated.
  const truncation = cloudWatch ? warnings?.find((w) => typeof w === 'string' && TRUNCATION_WARNING.test(w)) : undefined;
  const cut = response.cut !== undefined && response.cut.kept < response.cut.total ? { total: response.cut.total, kept: response.cut.kept } : undefined;
  return {
    data: answer.data,
    bytes: response.cut?.bytes ?? response.body.length,
    ...(cut === undefined ? {} : { cut }),
    ...(warnings === undefined ? {} : { warnings }),
    ...(Array.isArray(answer.infos) && answer.infos.length > 0 ? { infos: answer.infos } : {}),
    ...(truncation === undefined ? {} : { truncation }),
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
