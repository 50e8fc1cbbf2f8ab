import { parser } from '@prometheus-io/lezer-promql';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { authorizeCloudWatch, identityOf, knownIdentities, type Identity } from './iam';
import { verifySigV4 } from './sigv4-verify';

/**
 * A CloudWatch PromQL-like front for the tests, before a Prometheus 3 (CloudWatch's PromQL
 * is Prometheus 3's: UTF-8 names). It enforces every rule CloudWatch's user guide
 * documents for the API ("Query metrics with PromQL": limits, IAM table; the QueryMetrics,
 * GetSeries and GetLabels pages; "Grafana integration" for the signing service), so that
 * the functions cannot rely on anything CloudWatch would refuse:
 * - SigV4 for the service `monitoring` (signed for `aps`: 403 "Credential should be scoped
 *   to correct service: 'monitoring'"), verified by the independent verifier: 403 otherwise;
 * - only /api/v1/query, query_range, series, labels (GET and POST) and
 *   label/<name>/values (GET only: 405 otherwise); anything else (metadata, rules, alerts,
 *   status…) 404;
 * - IAM: the signer's role (template.yaml, CloudWatchPromQL=true by default) must allow
 *   each cloudwatch: action of the path on * (tests/support/iam.ts): 403 AccessDeniedException;
 * - every vector selector of a query, and every match[] of series, names its metric with
 *   an equality matcher (`name{…}`, `{"name", …}`, `{__name__="name"}`): a query of none
 *   is refused too;
 * - series needs match[], start and end;
 * - `limit` 1–500 on query and query_range (default 500: the answer is cut to 500 series,
 *   200 with the documented warning), 1–10,000 on series, labels and label values (passed
 *   on to Prometheus 3, which cuts and warns); outside them refused, not clamped;
 * - 30 days at most per request since 2026-11-20 (What's New "CloudWatch PromQL query 30
 *   days"; 7 before): a query's start to end, its ranges, offsets and the 5m lookback
 *   included (counted for range selectors too), and a discovery call's start to end (the
 *   guide's "Max range per request" is worded for queries: the strict reading);
 * - a range selector (`x[24h]`) of at most 24 hours (found by a published test of the
 *   30-day release: "range selectors max out at 24 hours"); a subquery's range is not one.
 * Where the guide names no status or body: 400 with Prometheus' `bad_data` envelope for a
 * request refused by a rule, 422 (its documented code for limits) with an `execution`
 * envelope for the 30 days and the 24 hours. Malformed PromQL goes to Prometheus, whose
 * error is the answer.
 * Every request is recorded, and a test may inject a fault, as with the AMP-like front.
 */

export interface CloudWatchRequest {
  method: string;
  url: string;
  /** The Prometheus API path after `/api/v1/`, as sent (`label/%40resource.service.name/values`). */
  endpoint?: string;
  /** Decoded query-string and form parameters. */
  params: Record<string, string[]>;
  /** The service of the signature's credential scope: `monitoring` for CloudWatch. */
  service?: string;
  signatureError?: string;
  /** The role that signed (its access key's), when known. */
  role?: string;
  /** Why IAM refused the request, when it did. */
  accessDenied?: string;
  /** The documented rule the front refused the request under, before Prometheus. */
  refused?: string;
  status: number;
}

/** Writes its own answer instead of forwarding, or returns false to forward. */
export type CloudWatchFault = (req: CloudWatchRequest, res: http.ServerResponse) => boolean | Promise<boolean>;

export interface CloudWatchFront {
  /** What CLOUDWATCH_ENDPOINT points at: the API is under `${url}/api/v1/`. */
  url: string;
  requests: CloudWatchRequest[];
  fault?: CloudWatchFault;
  stop(): Promise<void>;
}

export interface CloudWatchFrontOptions {
  /** The Prometheus 3 behind it. */
  upstream: string;
  region: string;
  /** Who may sign: by default each function's role for a stack with CloudWatchPromQL=true, and NOBODY. */
  identities?: Identity[];
  /** Unix seconds now: the end of a discovery window without one. */
  now?: () => number;
}

const CLOUDWATCH_SERVICE = 'monitoring';
/** Series a query answers at most, and its default `limit`. */
export const MAX_QUERY_SERIES = 500;
/** Results a series, labels or label values call answers at most, and its default `limit`. */
const MAX_DISCOVERY_RESULTS = 10_000;
const MAX_RANGE_SECONDS = 30 * 86_400;
/** The longest range selector (`[24h]`). */
const MAX_SELECTOR_RANGE_SECONDS = 86_400;
/** The lookback counted for every selector: CloudWatch documents none, Prometheus' default is 5m. */
const LOOKBACK_SECONDS = 300;
/**
 * CloudWatch's warning when it cuts a query's answer (its QueryMetrics page's, at the
 * maximum); at a smaller `limit` the guide shows none, so the same words with that number.
 */
export const truncationWarning = (series: number): string =>
  `result truncated to the maximum of ${series} series; refine the query or use the limit parameter`;
/** Prometheus 3's warning when it cuts a discovery answer at the `limit` the front passes on. */
export const LIMIT_WARNING = 'results truncated due to limit';

const LABEL_VALUES = /^label\/[^/]+\/values$/;
const API_PATH = /^\/api\/v1\/(.+)$/;
const SCOPE = /Credential=([^/,\s]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

/** The methods CloudWatch serves a path with (its API pages); undefined for a path it does not serve. */
function cloudWatchMethods(endpoint: string): readonly string[] | undefined {
  if (['query', 'query_range', 'series', 'labels'].includes(endpoint)) return ['GET', 'POST'];
  if (LABEL_VALUES.test(endpoint)) return ['GET'];
  return undefined;
}

interface Refusal {
  status: 400 | 422;
  rule: string;
  error: string;
}

export async function startCloudWatchFront(options: CloudWatchFrontOptions): Promise<CloudWatchFront> {
  const front: Partial<CloudWatchFront> & { requests: CloudWatchRequest[] } = { requests: [] };
  const identities = options.identities ?? knownIdentities({ cloudWatch: true });
  const now = options.now ?? (() => Date.now() / 1000);
  const agent = new http.Agent({ keepAlive: true });

  const server = http.createServer(async (req, res) => {
    const body = await buffer(req);
    const rawUrl = req.url ?? '/';
    const [pathname, search = ''] = rawUrl.split('?', 2) as [string, string?];
    const endpoint = API_PATH.exec(pathname)?.[1];
    const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? body.toString('utf8') : '';
    const pairs = [...new URLSearchParams(search), ...new URLSearchParams(form)];
    const params: Record<string, string[]> = {};
    for (const [key, value] of pairs) (params[key] ??= []).push(value);
    const scope = SCOPE.exec(String(req.headers.authorization ?? ''));
    const record: CloudWatchRequest = { method: req.method ?? 'GET', url: rawUrl, endpoint, params, service: scope?.[2], status: 0 };
    front.requests.push(record);
    res.setHeader('x-amzn-requestid', randomUUID());
    const reply = (status: number, payload: unknown, errorType?: string) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }) });
      res.end(JSON.stringify(payload));
    };

    const identity = identityOf(scope?.[1], identities);
    record.role = identity?.role;
    if (identity === undefined) {
      record.signatureError = 'unknown access key';
      reply(403, { message: 'The security token included in the request is invalid.' }, 'UnrecognizedClientException');
      return;
    }
    record.signatureError = verifySigV4({ method: record.method, rawUrl, headers: req.headers, body }, identity.credentials, {
      region: options.region,
      service: CLOUDWATCH_SERVICE,
    });
    if (record.service !== CLOUDWATCH_SERVICE) {
      // What CloudWatch answers a request signed for AMP's `aps` ("Grafana integration").
      reply(403, { message: `Credential should be scoped to correct service: '${CLOUDWATCH_SERVICE}'. ` }, 'InvalidSignatureException');
      return;
    }
    if (record.signatureError !== undefined) {
      reply(403, { message: `The request signature we calculated does not match the signature you provided: ${record.signatureError}` }, 'InvalidSignatureException');
      return;
    }
    const methods = endpoint === undefined ? undefined : cloudWatchMethods(endpoint);
    if (endpoint === undefined || methods === undefined) {
      reply(404, { message: 'Not Found' });
      return;
    }
    if (!methods.includes(record.method)) {
      res.setHeader('allow', methods.join(', '));
      reply(405, { message: `Method ${record.method} is not allowed on /api/v1/${endpoint}` });
      return;
    }
    const decision = authorizeCloudWatch(identity, endpoint, options.region);
    if (!decision.allowed) {
      record.accessDenied = decision.message;
      reply(403, { message: decision.message }, 'AccessDeniedException');
      return;
    }
    const refusal = checkRules(endpoint, params, now());
    if (refusal !== undefined) {
      record.refused = refusal.rule;
      reply(refusal.status, { status: 'error', errorType: refusal.status === 422 ? 'execution' : 'bad_data', error: refusal.error });
      return;
    }
    if (front.fault !== undefined && (await front.fault(record, res))) {
      record.status = res.statusCode;
      return;
    }

    const query = endpoint === 'query' || endpoint === 'query_range';
    const limit = params.limit?.[0];
    // A query's cut is the front's (CloudWatch's warning); Prometheus 3 cuts discovery at the limit itself.
    const sent = new URLSearchParams(pairs.filter(([key]) => key !== 'limit'));
    if (!query) sent.set('limit', limit ?? String(MAX_DISCOVERY_RESULTS));
    try {
      const answer = await forward(agent, `${options.upstream}/api/v1/${endpoint}`, record.method, sent);
      const text = query ? truncated(answer.body, limit) : answer.body;
      record.status = answer.status;
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
      res.end(text);
    } catch (error) {
      reply(502, { message: `upstream: ${(error as Error).message}` });
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(front, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as CloudWatchFront;
}

function forward(agent: http.Agent, url: string, method: string, params: URLSearchParams): Promise<{ status: number; contentType?: string; body: string }> {
  const form = params.toString();
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      method === 'GET' ? `${url}?${form}` : url,
      { method, agent, headers: method === 'GET' ? {} : { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(method === 'GET' ? undefined : form);
  });
}

/** A query's answer cut to `limit` series (CloudWatch's maximum without one), with the warning that says so. */
function truncated(text: string, limit: string | undefined): string {
  const max = limit === undefined ? MAX_QUERY_SERIES : Number(limit);
  const answer = JSON.parse(text) as { status: string; data?: { result?: unknown }; warnings?: string[] };
  const result = answer.data?.result;
  if (answer.status !== 'success' || !Array.isArray(result) || result.length <= max) return text;
  answer.data!.result = result.slice(0, max);
  answer.warnings = [...(answer.warnings ?? []), truncationWarning(max)];
  return JSON.stringify(answer);
}

// ---------------------------------------------------------------------------------------
// The documented rules, read with Prometheus' own grammar.

function checkRules(endpoint: string, params: Record<string, string[]>, now: number): Refusal | undefined {
  const one = (name: string) => params[name]?.[0];
  if (endpoint === 'query' || endpoint === 'query_range') {
    const refusal = checkLimit(one('limit'), MAX_QUERY_SERIES);
    const query = one('query');
    // Without a query, or a time, Prometheus' own error is the answer.
    if (refusal !== undefined || query === undefined) return refusal;
    if (endpoint === 'query_range') return checkQuery(query, timeOf(one('start')), timeOf(one('end')));
    const time = timeOf(one('time') ?? String(now));
    return checkQuery(query, time, time);
  }
  const refusal = checkLimit(one('limit'), MAX_DISCOVERY_RESULTS);
  if (refusal !== undefined) return refusal;
  if (endpoint === 'series') {
    const match = params['match[]'] ?? [];
    if (match.length === 0) return { status: 400, rule: 'series: match[] required', error: 'no match[] parameter provided' };
    for (const selector of match) {
      const nameless = namelessSelector(selector);
      if (nameless !== undefined) return nameless;
    }
    for (const name of ['start', 'end']) {
      if (one(name) === undefined) return { status: 400, rule: `series: ${name} required`, error: `invalid parameter "${name}": required by GetSeries` };
    }
  }
  const start = one('start');
  if (start === undefined) return undefined;
  const span = (timeOf(one('end') ?? String(now)) ?? Number.NaN) - (timeOf(start) ?? Number.NaN);
  return span > MAX_RANGE_SECONDS ? tooLong(`a time range of ${duration(span)}`) : undefined;
}

function checkLimit(limit: string | undefined, max: number): Refusal | undefined {
  if (limit === undefined || (/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= max)) return undefined;
  return { status: 400, rule: 'limit', error: `invalid parameter "limit": must be an integer from 1 to ${max}, got "${limit}"` };
}

function tooLong(what: string): Refusal {
  return {
    status: 422,
    rule: '30 days',
    error: `query time range exceeds the maximum of 30d, range parameters and lookback periods included: the request spans ${what}`,
  };
}

type Tree = ReturnType<typeof parser.parse>;
type SyntaxNode = Tree['topNode'];

function parse(text: string): { tree: Tree; valid: boolean } {
  const tree = parser.parse(text);
  let valid = true;
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) valid = false;
    },
  });
  return { tree, valid };
}

function vectorSelectors(tree: Tree): SyntaxNode[] {
  const selectors: SyntaxNode[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.name === 'VectorSelector') selectors.push(node.node);
    },
  });
  return selectors;
}

/** Whether a selector names its metric with `=`: `name{…}`, `{"name", …}` or `{__name__="name"}`. */
function named(selector: SyntaxNode, text: string): boolean {
  if (selector.getChild('Identifier') !== null) return true;
  for (let m = selector.getChild('LabelMatchers')?.firstChild ?? null; m !== null; m = m.nextSibling) {
    if (m.name === 'QuotedLabelName') return unquote(slice(text, m)) !== '';
    const label = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
    const op = m.getChild('MatchOp');
    const value = m.getChild('StringLiteral');
    if (label === null || op === null || value === null) continue;
    const name = label.name === 'LabelName' ? slice(text, label) : unquote(slice(text, label));
    if (name === '__name__' && op.getChild('EqlSingle') !== null && unquote(slice(text, value)) !== '') return true;
  }
  return false;
}

const NAME_RULE =
  'CloudWatch answers only selectors that name a metric with an equality matcher, e.g. {"http.server.active_requests"} or ' +
  '{__name__="http.server.active_requests"}: selecting series only by labels, without a metric name, is not supported';

function namelessSelector(selector: string): Refusal | undefined {
  const { tree, valid } = parse(selector);
  if (!valid) return undefined;
  const nameless = vectorSelectors(tree).find((node) => !named(node, selector));
  if (nameless === undefined) return undefined;
  return { status: 400, rule: 'metric name', error: `invalid parameter "match[]": ${slice(selector, nameless)}: ${NAME_RULE}` };
}

/** The name rule, the 24-hour range selectors, then the 30 days, for a query evaluated from `start` to `end` (one time for /query). */
function checkQuery(query: string, start: number | undefined, end: number | undefined): Refusal | undefined {
  const { tree, valid } = parse(query);
  if (!valid) return undefined;
  const selectors = vectorSelectors(tree);
  if (selectors.length === 0) return { status: 400, rule: 'metric name', error: `invalid parameter "query": the query selects no metric: ${NAME_RULE}` };
  const nameless = selectors.find((node) => !named(node, query));
  if (nameless !== undefined) return { status: 400, rule: 'metric name', error: `invalid parameter "query": ${slice(query, nameless)}: ${NAME_RULE}` };
  for (const selector of selectors) {
    const matrix = selector.parent?.name === 'MatrixSelector' ? selector.parent : null;
    const range = matrix === null ? 0 : durationOf(matrix.getChild('DurationExpr')!, query);
    if (range !== undefined && range > MAX_SELECTOR_RANGE_SECONDS) {
      return {
        status: 422,
        rule: '24 hours',
        error: `range selector exceeds the maximum of 24h: ${slice(query, matrix!)} reads ${duration(range)}`,
      };
    }
  }
  if (start === undefined || end === undefined) return undefined;

  let from = start;
  let to = end;
  for (const selector of selectors) {
    try {
      const reach = reachOf(selector, query, start, end);
      from = Math.min(from, reach.first - reach.offset - reach.range - LOOKBACK_SECONDS);
      to = Math.max(to, reach.last - reach.offset);
    } catch (error) {
      if (!(error instanceof UnreadableDuration)) throw error;
      return { status: 400, rule: 'durations', error: `invalid parameter "query": ${error.message}` };
    }
  }
  return to - from > MAX_RANGE_SECONDS ? tooLong(duration(to - from)) : undefined;
}

/** A duration the front cannot read: an expression (`2*5m`), which Prometheus 3 refuses unless enabled. */
class UnreadableDuration extends Error {}

/**
 * The times a selector is evaluated at (the query's, or its `@`), and how far back from
 * them it reads: its range and every enclosing subquery's, and its offsets.
 */
function reachOf(selector: SyntaxNode, text: string, start: number, end: number): { first: number; last: number; range: number; offset: number } {
  const seconds = (node: SyntaxNode | null) => {
    const value = node === null ? 0 : durationOf(node, text);
    if (value === undefined) throw new UnreadableDuration(`the stand-in cannot evaluate the duration ${slice(text, node!)}`);
    return value;
  };
  let range = 0;
  let offset = 0;
  for (let node = selector.parent; node !== null; node = node.parent) {
    if (node.name === 'MatrixSelector' || node.name === 'SubqueryExpr') range += seconds(node.getChild('DurationExpr'));
    else if (node.name === 'OffsetExpr') offset += seconds(node.getChild('OffsetDurationExpr'));
    else if (node.name === 'StepInvariantExpr') {
      // Pinned by `@`: an offset written after it still applies; nothing further out does.
      if (node.parent?.name === 'OffsetExpr') offset += seconds(node.parent.getChild('OffsetDurationExpr'));
      const at = atOf(node, text, start, end);
      return { first: at, last: at, range, offset };
    }
  }
  return { first: start, last: end, range, offset };
}

function atOf(node: SyntaxNode, text: string, start: number, end: number): number {
  const preprocessor = node.getChild('AtModifierPreprocessors');
  if (preprocessor !== null) return preprocessor.getChild('AtStart') !== null ? start : end;
  return Number(slice(text, node.getChild('NumberDurationLiteral')!));
}

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** A duration in seconds: `5m`, `1h30m`, `1.5`, `-5m`; undefined for an expression (`2*5m`). */
function durationOf(node: SyntaxNode, text: string): number | undefined {
  const children: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) children.push(c);
  if (children.length === 2 && children[0]!.name === 'UnaryOp') {
    const value = durationOf(children[1]!, text);
    return value === undefined ? undefined : slice(text, children[0]!) === '-' ? -value : value;
  }
  if (children.length > 1) return undefined;
  const literal = slice(text, node).trim();
  if (/^\d+(\.\d+)?$/.test(literal)) return Number(literal);
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(literal)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of literal.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) seconds += Number(amount) * UNITS[unit!]!;
  return seconds;
}

/** Prometheus' time parameter: Unix seconds or RFC 3339; undefined when neither (Prometheus refuses it). */
function timeOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

function slice(text: string, node: SyntaxNode): string {
  return text.slice(node.from, node.to);
}

/** A PromQL string literal's value: "…" and '…' with escapes, `…` raw. */
function unquote(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  if (literal.startsWith("'")) return JSON.parse(`"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
  return JSON.parse(literal) as string;
}

/** Seconds as a Prometheus duration: 605100 is 7d0h5m. */
function duration(seconds: number): string {
  let rest = Math.round(seconds);
  let text = '';
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text === '' ? '0s' : text;
}
