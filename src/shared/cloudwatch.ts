import { servedByCloudWatch, type Call } from './calls';
import { NotSupportedError, ValidationError } from './errors';
import { formatDuration, vectorSelectors, type VectorSelector } from './promql';
import { formatSeconds } from './time';

/**
 * CloudWatch PromQL (Amazon CloudWatch's Prometheus-compatible query API) as a target beside
 * AMP: the reserved workspace_id `cloudwatch`, its endpoint, and the rules its user guide
 * documents, checked before any call so that a request CloudWatch would refuse is refused
 * here with a message that says how to fix it ("Query metrics with PromQL": limits and
 * restrictions; the QueryMetrics, GetSeries and GetLabels pages):
 * - every selector names its metric with `=` (`name{…}`, `{"name", …}`, `{__name__="name"}`);
 * - `limit` is 1–500 series for a query, 1–10,000 for series and labels;
 * - a query reads at most 30 days (7 until 2026-11-20: What's New "CloudWatch PromQL query
 *   30 days"), its ranges, offsets and lookback included, and a discovery call a window of
 *   30 days;
 * - a range selector reads at most 24 hours (`x[24h]`; found by a published test of the
 *   30-day release, which the guide's table does not state: the strict reading);
 * - series needs match[], start and end;
 * - only query, query_range, series, labels and label values are served (no metadata,
 *   rules, alerts or status): the others are refused naming the alternative.
 * Where the guide is silent the choice is the conservative one (see each check).
 */

/** The workspace_id that names CloudWatch PromQL. */
export const CLOUDWATCH_TARGET = 'cloudwatch';
/** CloudWatch PromQL as list_workspaces names it. */
export const CLOUDWATCH_ALIAS = 'CloudWatch PromQL';
/** SigV4's service name for CloudWatch (a request signed for `aps` is refused with a 403). */
export const CLOUDWATCH_SERVICE = 'monitoring';
export const CLOUDWATCH_NOT_ENABLED = 'CloudWatch PromQL is not enabled on this deployment (template parameter CloudWatchPromQL=true)';

/** Series a query answers at most (CloudWatch's default `limit`; past it the answer is cut, with a warning). */
export const MAX_QUERY_SERIES = 500;
/** Series or label names a discovery call answers at most. */
export const MAX_DISCOVERY_RESULTS = 10_000;
/** The longest time a query may read, ranges, offsets and lookback included. */
export const MAX_SPAN_SECONDS = 30 * 86_400;
/** The longest range selector, `[24h]` (a subquery's range is not one). */
export const MAX_RANGE_SELECTOR_SECONDS = 86_400;
/**
 * The lookback counted for every selector: CloudWatch documents none, so Prometheus'
 * default 5m is assumed, for range selectors too (the brief's conservative reading of
 * "including range parameters and lookback periods").
 */
const LOOKBACK_SECONDS = 300;

/** What each call CloudWatch does not serve answers instead, naming the alternative. */
const NOT_SERVED: Partial<Record<Call, string>> = {
  rules: 'CloudWatch has no Prometheus rules API: use CloudWatch alarms (PromQL alarms: DescribeAlarms / the console)',
  alerts: 'CloudWatch has no Prometheus alerts API: use CloudWatch alarms (PromQL alarms: DescribeAlarms / the console)',
  metadata:
    "CloudWatch PromQL serves no metric metadata (type, help, unit): a series' __type__ and __temporality__ labels " +
    'tell its type (discover with series: true, or with metric)',
  'status/buildinfo': 'CloudWatch PromQL has no build information',
};

/** CloudWatch's PromQL endpoint in a region (China's partition has its own domain), unless configured (CLOUDWATCH_ENDPOINT). */
export function cloudWatchEndpoint(region: string, configured: URL | undefined): URL {
  return configured ?? new URL(`https://monitoring.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`);
}

/** The refusal of a call CloudWatch does not serve. */
export function notServed(call: Call | undefined, endpoint: string): NotSupportedError {
  return new NotSupportedError((call === undefined ? undefined : NOT_SERVED[call]) ?? `CloudWatch PromQL does not serve /api/v1/${endpoint}`);
}

type Params = [string, string][];

/**
 * The parameters of a call to CloudWatch once its rules are checked: refuses what
 * CloudWatch does not serve or would refuse; gives series the start and end it requires
 * (the hour before now, the discovery tools' default, where missing).
 */
export async function cloudWatchParams(endpoint: string, call: Call | undefined, params: Params, now: number): Promise<Params> {
  if (call === undefined || !servedByCloudWatch(call)) throw notServed(call, endpoint);
  const query = call === 'query' || call === 'query_range';
  assertLimit(params, query ? MAX_QUERY_SERIES : MAX_DISCOVERY_RESULTS, query ? 'series per query' : 'results per discovery call');
  if (query) {
    await assertQuery(call, params, now);
    return params;
  }
  if (call !== 'series') {
    assertWindow(params, now);
    return params;
  }
  const match = params.filter(([key]) => key === 'match[]').map(([, selector]) => selector);
  if (match.length === 0) {
    throw new ValidationError('CloudWatch PromQL answers series only for a match[] selector that names a metric, e.g. {"http.server.active_requests"}');
  }
  for (const selector of match) assertNamed(await vectorSelectors(selector), selector);
  const end = param(params, 'end') ?? formatSeconds(now);
  const start = param(params, 'start') ?? formatSeconds(Number(end) - 3600);
  const windowed: Params = [...params.filter(([key]) => key !== 'start' && key !== 'end'), ['start', start], ['end', end]];
  assertWindow(windowed, now);
  return windowed;
}

/**
 * A discovery call's window within CloudWatch's "maximum range per request" of 30 days
 * (the guide words it for queries; read here for every request, the strict way).
 */
function assertWindow(params: Params, now: number): void {
  const start = param(params, 'start');
  if (start === undefined) return;
  const span = Number(param(params, 'end') ?? now) - Number(start);
  if (span > MAX_SPAN_SECONDS) {
    throw new ValidationError(
      `CloudWatch PromQL reads at most 30d per request, and this one reads ${formatDuration(span)} from start to end: ` +
        'pass a start within 30 days of the end',
    );
  }
}

function param(params: Params, name: string): string | undefined {
  return params.find(([key]) => key === name)?.[1];
}

/** `limit`, where sent, within CloudWatch's range (the guide does not say whether it refuses or clamps another). */
function assertLimit(params: Params, max: number, what: string): void {
  const limit = param(params, 'limit');
  if (limit === undefined) return;
  const value = Number(limit);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError(`CloudWatch PromQL takes a limit from 1 to ${max.toLocaleString('en-US')} ${what} (got ${limit})`);
  }
}

/**
 * Every selector names its metric with `=` (the guide's examples and GetSeries' rule;
 * whether `__name__=~` would do on /query is not documented, so it is refused), every
 * range selector within 24 hours, and the time read within 30 days.
 */
async function assertQuery(call: 'query' | 'query_range', params: Params, now: number): Promise<void> {
  const query = param(params, 'query') ?? '';
  const selectors = await vectorSelectors(query);
  if (selectors.length === 0) {
    throw new ValidationError(
      `CloudWatch PromQL answers only queries that select a metric by name, and ${shorten(query)} selects none: ` +
        'e.g. {"http.server.active_requests"} or up{job="api"} (discover finds the names)',
    );
  }
  assertNamed(selectors, query);
  assertRangeSelectors(selectors);
  const at = (name: string) => Number(param(params, name) ?? now);
  const [start, end] = call === 'query_range' ? [at('start'), at('end')] : [at('time'), at('time')];
  assertSpan(selectors, start, end);
}

function assertRangeSelectors(selectors: VectorSelector[]): void {
  const long = selectors.find((s) => s.matrix !== undefined && s.matrix.seconds > MAX_RANGE_SELECTOR_SECONDS);
  if (long === undefined) return;
  const { text, seconds } = long.matrix!;
  throw new ValidationError(
    `CloudWatch PromQL takes range selectors of at most 24h, and ${text} reads ${formatDuration(seconds)}: ` +
      `write [24h] or less, or run a range query (query with start) over the longer period with a step of 1d (one point per day)`,
  );
}

function assertNamed(selectors: VectorSelector[], text: string): void {
  const nameless = selectors.find((s) => s.metric === undefined || s.metric === '');
  if (nameless === undefined) return;
  const where = text === nameless.text ? '' : ` (at offset ${nameless.from})`;
  const fix = withName(nameless.text);
  if (nameless.nameMatcher !== undefined) {
    throw new ValidationError(
      `CloudWatch PromQL needs each selector to name its metric with =, and ${nameless.text}${where} matches it with ` +
        `${nameless.nameMatcher}: write one selector per metric, e.g. ${fix} (discover finds the names)`,
    );
  }
  throw new ValidationError(
    `CloudWatch PromQL needs each selector to name its metric, and ${nameless.text}${where} names none: ` +
      `write ${fix} with the metric's name (discover finds the names)`,
  );
}

/** The selector with a placeholder name in front of its matchers, a `__name__` matcher other than `=` dropped. */
function withName(text: string): string {
  const open = text.indexOf('{');
  const matchers = text
    .slice(open + 1, text.lastIndexOf('}'))
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((m) => m.trim())
    .filter((m) => m !== '' && !/^"?__name__"?\s*(!=|=~|!~)/.test(m));
  return `{${['"<metric>"', ...matchers].join(', ')}}`;
}

/**
 * What a query reads: from the earliest time any selector reaches (its evaluation time,
 * moved back by its offset, its range and any subquery's, and the lookback) to the
 * latest (a negative offset reads past the end).
 */
function assertSpan(selectors: VectorSelector[], start: number, end: number): void {
  const reads = selectors.map((selector) => {
    // Under `@`, every evaluation reads the one time it names.
    const pinned = selector.at === 'start' ? start : selector.at === 'end' ? end : selector.at;
    const [first, last] = pinned === undefined ? [start, end] : [pinned, pinned];
    return { selector, from: first - selector.offset - selector.range - LOOKBACK_SECONDS, to: last - selector.offset };
  });
  const earliest = reads.reduce((a, b) => (b.from < a.from ? b : a));
  const latest = reads.reduce((a, b) => (b.to > a.to ? b : a));
  const span = Math.max(end, latest.to) - Math.min(start, earliest.from);
  if (span <= MAX_SPAN_SECONDS) return;
  const parts = [
    ...(end > start ? [`${formatDuration(end - start)} from start to end`] : []),
    ...(earliest.from < start ? [`${formatDuration(start - earliest.from)} before the start for ${earliest.selector.text}`] : []),
    ...(latest.to > end ? [`${formatDuration(latest.to - end)} after the end for ${latest.selector.text}`] : []),
  ];
  throw new ValidationError(
    `CloudWatch PromQL reads at most 30d per query, ranges, offsets and the 5m lookback included, and this one reads ` +
      `${formatDuration(span)}: ${parts.join(', ')}; shorten the range (start, end), the [range] or the offset`,
  );
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
