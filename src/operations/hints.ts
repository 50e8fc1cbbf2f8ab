import type { Call } from '../shared/calls';
import { AppError } from '../shared/errors';
import type { PrometheusClient } from '../shared/prometheus-client';
import { formatDuration as duration, labelNameText, unquote } from '../shared/promql';
import { formatSeconds, parseDuration } from '../shared/time';
import { MAX_SPAN_SECONDS } from '../shared/cloudwatch';
import { nowSeconds } from './common';
import type { OperationContext } from './types';

/**
 * Why an answer may be empty, in words a model can act on. Each selector is looked at in
 * the window it read: a metric name that does not exist (and similar ones that do), each
 * matcher on its own (a label the metric lacks, a value in another case, a regex matching
 * only part of a value: Prometheus anchors regexes), data found only outside the window
 * (and when it was last seen), a step that skips every sample, histogram_quantile without
 * `le`. Suggestions come from the window, not from data long gone. Only GETs of label
 * names and values, at most MAX_CALLS: a courtesy, whose failure never fails the answer.
 */

/** The calls the hints make: an operation that gives hints declares these too. */
export const HINT_CALLS = ['label/values', 'labels'] as const satisfies readonly Call[];

const MAX_CALLS = 8;
/**
 * Steps at most of the query that reads the last sample's time in the ladder's bracket: its
 * cost is a sample per series per step (an hour: 12 steps of 5 minutes, exact; a year: 60
 * steps of 6 days, to within one).
 */
const LAST_SEEN_STEPS = 60;
const MAX_SIMILAR = 5;
const MAX_VALUES = 10;
/** Prometheus' (and AMP's) lookback: an instant selector reads the 5m before each evaluation. */
const LOOKBACK = 300;
/** How far from the window data is looked for: nested spans, so a binary search takes at most 3 calls. */
const LADDER = [3600, 6 * 3600, 86_400, 7 * 86_400, 30 * 86_400, 365 * 86_400];

/** The time a query or a discovery call read. */
export interface HintWindow {
  start: number;
  end: number;
  /** range_query's step: longer than what each point reads, it can skip every sample. */
  step?: number;
  /** How hints name the window ("in the last 1h"); by default "between <start> and <end>". */
  text?: string;
}

interface Span {
  start: number;
  end: number;
}

type Op = '=' | '!=' | '=~' | '!~';

interface Matcher {
  label: string;
  op: Op;
  value: string;
  /** As written, e.g. job="node". */
  text: string;
}

interface Selector {
  /** As written, e.g. up{job="node"}. */
  text: string;
  metric?: string;
  matchers: Matcher[];
  /** Seconds each evaluation reads before its time: the range, or the lookback. */
  reach: number;
  /** A range selector (`[5m]`) rather than the lookback. */
  ranged: boolean;
  /** Seconds the offsets move it back. */
  offset: number;
  /** Inside a subquery: the step does not set what it reads. */
  stepless: boolean;
  /** Under `@`: it reads another time than the window, which is not looked at. */
  pinned: boolean;
}

/** Hints for a query that matched nothing; `params` are those sent (time, or start, end and step). */
export async function emptyResultHints(
  query: string,
  client: PrometheusClient,
  ctx: OperationContext,
  params: readonly [string, string][] = [],
): Promise<string[]> {
  return collect(client, ctx, async (hints, probe) => {
    const { parse, selectorsOf } = await grammar(query);
    const tree = parse();
    hints.push(...histogramHints(query, tree));
    const selectors = selectorsOf(tree);
    const window = windowOf(params);
    const present = await diagnose(selectors, window, probe, hints);
    if (hints.length > 0 || present.length === 0 || present.length < selectors.length) return;
    const skipped = window.step === undefined ? undefined : present.find((s) => !s.stepless && !s.pinned && window.step! > s.reach);
    if (skipped !== undefined) {
      const step = duration(window.step!);
      hints.push(
        `${skipped.text} has samples ${where(spanOf(skipped, window))}, but at a step of ${step} each point reads only ` +
          `${skipped.ranged ? `its [${duration(skipped.reach)}] range` : `the ${duration(skipped.reach)} before it`}: use a step of ` +
          `${duration(skipped.reach)} or less, or ${skipped.ranged ? `a range of ${step}` : `last_over_time(${skipped.text}[${step}])`}`,
      );
    } else {
      hints.push(
        `every selector matches series ${where(spanOf(present[0]!, window))}: what empties the answer is the rest of the query ` +
          '(a comparison, a join on labels that differ, a range holding fewer than two samples)',
      );
    }
  });
}

/**
 * Hints for a discovery call that found nothing: each selector of `match` in the window,
 * and for label_values, the label itself.
 */
export async function discoveryHints(
  client: PrometheusClient,
  ctx: OperationContext,
  window: HintWindow,
  match: readonly string[],
  label?: string,
): Promise<string[]> {
  return collect(client, ctx, async (hints, probe) => {
    const selectors: Selector[] = [];
    for (const text of match) {
      const { parse, selectorsOf } = await grammar(text);
      // A discovery call reads its window exactly: no lookback.
      selectors.push(...selectorsOf(parse()).map((s) => ({ ...s, reach: 0, ranged: false })));
    }
    const present = await diagnose(selectors, window, probe, hints);
    if (label === undefined || label === '__name__' || hints.length > 0 || present.length < selectors.length) return;
    const span = { start: window.start, end: window.end };
    const labels = await probe.labels(match, span);
    if (labels.includes(label)) return;
    const exists = `{${labelNameText(label)}!=""}`;
    if (match.length === 0 && (await probe.has(exists))) {
      hints.push(await outside(`label '${label}'`, exists, span, window.text ?? where(span), probe));
      return;
    }
    const named = labels.filter((l) => l !== '__name__');
    hints.push(
      `label '${label}' is not on ${match.length === 0 ? 'any series' : 'the matched series'} ${window.text ?? where(span)}` +
        (named.length === 0 ? '' : `; labels that are: ${closest(label, named, MAX_VALUES, false).join(', ')}`),
    );
  });
}

/** For list_metrics' search: the names closest to a search that no name contains. */
export function searchHint(search: string, names: readonly string[]): string {
  const similar = closest(search, [...names], MAX_SIMILAR);
  return `no metric name contains '${search}'` + (similar.length === 0 ? '' : `; similar names: ${similar.join(', ')}`);
}

/** Runs `work`, keeping the hints it found before any failure or the end of its calls. */
async function collect(
  client: PrometheusClient,
  ctx: OperationContext,
  work: (hints: string[], probe: Probe) => Promise<void>,
): Promise<string[]> {
  const hints: string[] = [];
  try {
    await work(hints, new Probe(client, ctx));
  } catch (error) {
    // Hints are a courtesy: their failure never fails the answer.
    if (!(error instanceof AppError || error instanceof OutOfCalls)) throw error;
  }
  return hints;
}

class OutOfCalls extends Error {}

/** The GETs the hints make, each once, at most MAX_CALLS. */
class Probe {
  private calls = 0;
  private readonly answers = new Map<string, Promise<string[]>>();

  /** The steps of LADDER a request may span: CloudWatch reads at most 30 days per request. */
  readonly ladder: readonly number[];

  constructor(
    private readonly client: PrometheusClient,
    private readonly ctx: OperationContext,
  ) {
    this.ladder = client.cloudWatch ? LADDER.filter((s) => s <= MAX_SPAN_SECONDS) : LADDER;
  }

  /** A label's values (__name__: metric names) on the series matching `match`, in `span`; without one, in all the data held. */
  values(label: string, match: readonly string[] = [], span?: Span): Promise<string[]> {
    return this.get(`label/${encodeURIComponent(label)}/values`, match, span);
  }

  labels(match: readonly string[] = [], span?: Span): Promise<string[]> {
    return this.get('labels', match, span);
  }

  async has(selector: string, span?: Span): Promise<boolean> {
    return (await this.values('__name__', [selector], span)).length > 0;
  }

  /**
   * The time of `selector`'s last sample in `span` (which has data, and none after it up to
   * the span's end), where the operation may query: one `max(max_over_time(timestamp(…)[W:R]))`
   * over the span, at most LAST_SEEN_STEPS steps, so its cost is a sample per series per step.
   * Exact while the step R is within the 5-minute lookback; for a longer span, to within R
   * (for data written at least every 5 minutes: the step before the last sample sees one).
   * Prometheus' index cannot do better: it knows which blocks hold a series, not when in
   * them its samples are. Undefined where the operation does not query (discovery) or on
   * CloudWatch (10 discovery requests a second; a query of its own name rule).
   */
  async lastSeen(selector: string, span: Span): Promise<{ at: number; within?: number } | undefined> {
    if (this.client.cloudWatch || this.ctx.calls?.has('query') !== true) return undefined;
    const step = Math.max(LOOKBACK, Math.ceil((span.end - span.start) / LAST_SEEN_STEPS / 60) * 60);
    const at = Math.ceil(span.end / step) * step;
    const width = Math.ceil((at - span.start) / step) * step;
    const answer = await this.client.call<{ result?: { value: [number, string] }[] }>(
      'query',
      [['query', `max(max_over_time(timestamp(${selector})[${width}s:${step}s]))`], ['time', formatSeconds(at)]],
      this.ctx,
    );
    const value = Number(answer.data.result?.[0]?.value[1]);
    return Number.isFinite(value) ? { at: value, ...(step > LOOKBACK ? { within: step } : {}) } : undefined;
  }

  private get(endpoint: string, match: readonly string[], span: Span | undefined): Promise<string[]> {
    const params: [string, string][] = match.map((m) => ['match[]', m]);
    if (span !== undefined) params.push(['start', formatSeconds(span.start)], ['end', formatSeconds(span.end)]);
    const key = `${endpoint} ${JSON.stringify(params)}`;
    let answer = this.answers.get(key);
    if (answer === undefined) {
      if (this.calls >= MAX_CALLS) throw new OutOfCalls();
      this.calls++;
      answer = this.client.call<string[]>(endpoint, params, this.ctx).then((a) => a.data);
      this.answers.set(key, answer);
    }
    return answer;
  }
}

/**
 * Looks at each selector in the window it read, pushing what explains its emptiness;
 * answers the selectors that do match series there.
 */
async function diagnose(selectors: Selector[], window: HintWindow, probe: Probe, hints: string[]): Promise<Selector[]> {
  const present: Selector[] = [];
  const seen = new Set<string>();
  for (const selector of selectors) {
    const span = selector.pinned ? undefined : spanOf(selector, window);
    const key = `${selector.text} ${JSON.stringify(span)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const place = span === undefined ? 'in the data held' : spanText(window, span);
    if (selector.metric !== undefined) {
      const names = await probe.values('__name__', [], span);
      if (!names.includes(selector.metric)) {
        const all = span === undefined ? names : await probe.values('__name__');
        if (!all.includes(selector.metric)) {
          pushOnce(hints, missingMetric(selector.metric, names.length > 0 ? names : all));
        } else {
          pushOnce(hints, await outside(`metric '${selector.metric}'`, `{__name__=${quote(selector.metric)}}`, span!, place, probe));
        }
        continue;
      }
    }
    if (await probe.has(selector.text, span)) {
      present.push(selector);
    } else if (span !== undefined && (await probe.has(selector.text))) {
      hints.push(await outside(selector.text, selector.text, span, place, probe));
    } else {
      await matcherHints(selector, span, place, probe, hints);
    }
  }
  return present;
}

/** Each matcher on its own against the values of its label on the metric; then the matchers together. */
async function matcherHints(selector: Selector, span: Span | undefined, place: string, probe: Probe, hints: string[]): Promise<void> {
  const scope = selector.metric === undefined ? [] : [`{__name__=${quote(selector.metric)}}`];
  const of = selector.metric === undefined ? 'series' : `series of ${selector.metric}`;
  const found = hints.length;
  // A matcher that matches the empty value also matches series without the label: it is not judged alone.
  const judged = selector.matchers.filter((m) => !matches(m, ''));
  for (const matcher of judged) {
    const values = await probe.values(matcher.label, scope, span);
    if (values.length === 0) {
      const labels = (await probe.labels(scope, span)).filter((l) => l !== '__name__');
      hints.push(
        `label '${matcher.label}' is not on any ${of} ${place}` +
          (labels.length === 0 ? '' : `; labels that are: ${closest(matcher.label, labels, MAX_VALUES, false).join(', ')}`),
      );
      continue;
    }
    const hint = valueHint(matcher, values, of, place);
    if (hint !== undefined) hints.push(hint);
  }
  const last = judged.at(-1);
  if (hints.length > found || last === undefined || selector.matchers.length < 2) return;
  const others = selector.matchers.filter((m) => m !== last);
  // Prometheus refuses a selector of only matchers that match the empty value.
  if (selector.metric === undefined && others.every((m) => matches(m, ''))) return;
  const rest = `{${[...(selector.metric === undefined ? [] : [`__name__=${quote(selector.metric)}`]), ...others.map((m) => m.text)].join(', ')}}`;
  const values = await probe.values(last.label, [rest], span);
  hints.push(
    `no ${of} has ${selector.matchers.map((m) => m.text).join(' and ')} together ${place}` +
      (values.length === 0 ? '' : `; with ${others.map((m) => m.text).join(', ')}, ${last.label} is one of: ${quoteAll(closest(last.value, values, MAX_VALUES, false))}`),
  );
}

/** Why a matcher matches none of `values`, or undefined when it matches some (or cannot be judged here). */
function valueHint(matcher: Matcher, values: string[], of: string, place: string): string | undefined {
  const regex = matcher.op === '=~' ? regexOf(matcher.value) : undefined;
  if (matcher.op === '=~' && regex === undefined) return undefined;
  if (matcher.op !== '=' && matcher.op !== '=~') return undefined;
  if (values.some((v) => matches(matcher, v))) return undefined;
  const { value, text } = matcher;
  // A UTF-8 label name (CloudWatch's "@resource.service.name") is quoted in what is suggested.
  const label = labelNameText(matcher.label);
  if (matcher.op === '=') {
    const otherCase = values.find((v) => v.toLowerCase() === value.toLowerCase());
    if (otherCase !== undefined) return `no ${of} has ${text} ${place}: values are case-sensitive, use ${label}=${quote(otherCase)}`;
    return `no ${of} has ${text} ${place}; values that exist: ${quoteAll(closest(value, values, MAX_VALUES, false))}`;
  }
  const partial = values.filter((v) => new RegExp(regex!.source, regex!.flags).test(v));
  if (partial.length > 0) {
    const contains = value.includes('|') ? `.*(${value}).*` : `.*${value}.*`;
    return (
      `${text} matches no ${of} ${place}: Prometheus regexes match the whole value; use ${label}=~${quote(contains)}` +
      (partial.length === 1 ? ` or ${label}=${quote(partial[0]!)}` : '')
    );
  }
  const anyCase = new RegExp(`^(?:${regex!.source})$`, 'i');
  if (values.some((v) => anyCase.test(v))) return `${text} matches no ${of} ${place}: regexes are case-sensitive, use ${label}=~${quote(`(?i)${value}`)}`;
  return `${text} matches no ${of} ${place}; values that exist: ${quoteAll(closest(value, values, MAX_VALUES, false))}`;
}

/**
 * For data that exists, only not in `span`: when it was last seen before (or, failing
 * that, first seen after), to the nearest step of LADDER.
 */
async function outside(what: string, selector: string, span: Span, place: string, probe: Probe): Promise<string> {
  const ladder = probe.ladder;
  const longest = ladder[ladder.length - 1]!;
  const reach = longest === 365 * 86_400 ? '1y' : duration(longest);
  const before = await nearest(ladder, (k) => probe.has(selector, { start: span.start - ladder[k]!, end: span.start }));
  if (before !== undefined) {
    const to = before === 0 ? span.start : span.start - ladder[before - 1]!;
    // The ladder's bracket, narrowed to the sample where the operation may query.
    const seen = await probe.lastSeen(selector, { start: span.start - ladder[before]!, end: to }).catch(() => undefined);
    if (seen !== undefined) return `${what} has no samples ${place}; last seen at ${iso(seen.at)}${seen.within === undefined ? '' : ` (to within ${duration(seen.within)})`}`;
    return `${what} has no samples ${place}; last seen between ${iso(span.start - ladder[before]!)} and ${iso(to)}`;
  }
  if (span.end < nowSeconds() - LOOKBACK) {
    const after = await nearest(ladder, (k) => probe.has(selector, { start: span.end, end: span.end + ladder[k]! }));
    if (after !== undefined) {
      const from = after === 0 ? span.end : span.end + ladder[after - 1]!;
      return `${what} has no samples ${place}; first seen later, between ${iso(from)} and ${iso(span.end + ladder[after]!)}`;
    }
    return `${what} has no samples ${place}, nor within ${reach} of it`;
  }
  return `${what} has no samples ${place}; last seen more than ${reach} before`;
}

/** The first index of `ladder` where `has` holds (it holds for every later one), by binary search. */
async function nearest(ladder: readonly number[], has: (k: number) => Promise<boolean>): Promise<number | undefined> {
  let low = 0;
  let high = ladder.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (await has(mid)) high = mid;
    else low = mid + 1;
  }
  return low === ladder.length ? undefined : low;
}

function missingMetric(metric: string, names: string[]): string {
  const otherCase = names.find((n) => n.toLowerCase() === metric.toLowerCase());
  if (otherCase !== undefined) return `metric '${metric}' does not exist in this workspace; names are case-sensitive: ${otherCase}`;
  const similar = closest(metric, names, MAX_SIMILAR);
  return `metric '${metric}' does not exist in this workspace` + (similar.length === 0 ? '' : `; similar names that do: ${similar.join(', ')}`);
}

/** The window a query read: its time (an instant query, now without one), or its range and step. */
function windowOf(params: readonly [string, string][]): HintWindow {
  const param = (name: string) => params.find(([key]) => key === name)?.[1];
  const [start, end, step, time] = ['start', 'end', 'step', 'time'].map(param);
  if (start !== undefined && end !== undefined) return { start: Number(start), end: Number(end), ...(step === undefined ? {} : { step: Number(step) }) };
  const at = time === undefined ? nowSeconds() : Number(time);
  return { start: at, end: at };
}

/** What a selector reads of the window: its reach before the first evaluation, moved back by its offset. */
function spanOf(selector: Selector, window: HintWindow): Span {
  return { start: window.start - selector.offset - selector.reach, end: window.end - selector.offset };
}

function spanText(window: HintWindow, span: Span): string {
  return window.text !== undefined && span.start === window.start && span.end === window.end ? window.text : where(span);
}

function where(span: Span): string {
  return `between ${iso(span.start)} and ${iso(span.end)}`;
}

/** RFC3339 to the second. */
export function iso(seconds: number): string {
  return new Date(Math.round(seconds) * 1000).toISOString().replace('.000Z', 'Z');
}

/** histogram_quantile over an aggregation that drops `le` answers nothing (classic histograms). */
function histogramHints(query: string, tree: Tree): string[] {
  const hints: string[] = [];
  const text = (node: Node) => query.slice(node.from, node.to);
  const cursor = tree.cursor();
  do {
    if (cursor.name !== 'FunctionCall' || cursor.node.getChild('FunctionIdentifier')?.getChild('HistogramQuantile') == null) continue;
    let arg = expressions(cursor.node.getChild('FunctionCallBody'))[1];
    while (arg?.name === 'ParenExpr') arg = expressions(arg)[0];
    if (arg?.name !== 'AggregateExpr') continue;
    const op = text(arg.getChild('AggregateOp')!);
    const modifier = arg.getChild('AggregateModifier');
    const without = modifier?.getChild('Without') != null;
    const grouping = modifier?.getChild('GroupingLabels');
    const named = [...(grouping?.getChildren('LabelName') ?? []), ...(grouping?.getChildren('QuotedLabelName') ?? [])];
    const labels = named.sort((a, b) => a.from - b.from).map(text);
    if (without !== labels.includes('le')) continue;
    const dropping = modifier === null ? `${op}(…)` : `${op} ${without ? 'without' : 'by'} (${labels.join(', ')})`;
    const keeping = without ? `${op} without (${labels.filter((l) => l !== 'le').join(', ')})` : `${op} by (${[...labels, 'le'].join(', ')})`;
    hints.push(`histogram_quantile needs the le label, which ${dropping} drops: use ${keeping} (…)`);
  } while (cursor.next());
  return hints;
}

type Parser = (typeof import('@prometheus-io/lezer-promql'))['parser'];
type Tree = ReturnType<Parser['parse']>;
type Node = Tree['topNode'];

function expressions(node: Node | null): Node[] {
  const list: Node[] = [];
  for (let child = node?.firstChild ?? null; child !== null; child = child.nextSibling) if (child.type.is('Expr')) list.push(child);
  return list;
}

/** The query's parse tree and its vector selectors, by Prometheus' own grammar. */
async function grammar(query: string): Promise<{ parse: () => Tree; selectorsOf: (tree: Tree) => Selector[] }> {
  const { parser } = await import('@prometheus-io/lezer-promql');
  const text = (node: Node) => query.slice(node.from, node.to);
  const seconds = (node: Node | null) => {
    if (node === null) return undefined;
    const written = text(node).replace(/\s+/g, '');
    const sign = written.startsWith('-') ? -1 : 1;
    const bare = written.replace(/^[-+]/, '');
    const value = /^\d+(\.\d+)?$/.test(bare) ? Number(bare) : parseDuration(bare);
    return value === undefined ? undefined : sign * value;
  };
  const selectorsOf = (tree: Tree): Selector[] => {
    const selectors: Selector[] = [];
    const cursor = tree.cursor();
    do {
      if (cursor.name !== 'VectorSelector') continue;
      const node = cursor.node;
      const selector: Selector = { text: text(node), matchers: [], reach: LOOKBACK, ranged: false, offset: 0, stepless: false, pinned: false };
      const identifier = node.getChild('Identifier');
      if (identifier !== null) selector.metric = text(identifier);
      for (let m = node.getChild('LabelMatchers')?.firstChild ?? null; m !== null; m = m.nextSibling) {
        if (m.name === 'QuotedLabelName') {
          selector.metric = unquote(text(m));
          continue;
        }
        const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
        const op = m.getChild('MatchOp');
        const value = m.getChild('StringLiteral');
        if (name === null || op === null || value === null) continue;
        const label = name.name === 'LabelName' ? text(name) : unquote(text(name));
        const literal = unquote(text(value));
        if (label === undefined || literal === undefined) continue;
        if (label === '__name__' && text(op) === '=') selector.metric = literal;
        else selector.matchers.push({ label, op: text(op) as Op, value: literal, text: text(m) });
      }
      if (node.parent?.name === 'MatrixSelector') {
        selector.reach = seconds(node.parent.getChild('DurationExpr')) ?? LOOKBACK;
        selector.ranged = true;
      }
      for (let p = node.parent; p !== null; p = p.parent) {
        if (p.name === 'OffsetExpr') selector.offset += seconds(p.getChild('OffsetDurationExpr')) ?? 0;
        else if (p.name === 'SubqueryExpr') {
          selector.reach += seconds(p.getChild('DurationExpr')) ?? 0;
          selector.stepless = true;
        } else if (p.name === 'StepInvariantExpr') selector.pinned = true;
      }
      selectors.push(selector);
    } while (cursor.next());
    return selectors;
  };
  return { parse: () => parser.parse(query), selectorsOf };
}

/** Whether a matcher holds for a value, as Prometheus matches it (regexes anchored); unknown regexes hold. */
function matches(matcher: Matcher, value: string): boolean {
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    default: {
      const regex = regexOf(matcher.value);
      if (regex === undefined) return true;
      const full = new RegExp(`^(?:${regex.source})$`, regex.flags).test(value);
      return matcher.op === '=~' ? full : !full;
    }
  }
}

/** A Prometheus (RE2) regex as JavaScript reads it: a leading (?i) becomes the flag; other syntax it cannot read, undefined. */
function regexOf(pattern: string): RegExp | undefined {
  const insensitive = pattern.startsWith('(?i)');
  try {
    return new RegExp(insensitive ? pattern.slice(4) : pattern, insensitive ? 'i' : '');
  } catch {
    return undefined;
  }
}

const quote = (value: string) => JSON.stringify(value);
const quoteAll = (values: string[]) => values.map(quote).join(', ');

function pushOnce(hints: string[], hint: string): void {
  if (!hints.includes(hint)) hints.push(hint);
}

/**
 * Up to `n` candidates closest to `word`: those containing it first, then by edit distance
 * (any case); only similar ones when `similarOnly`.
 */
function closest(word: string, candidates: string[], n: number, similarOnly = true): string[] {
  const lower = word.toLowerCase();
  return candidates
    .map((candidate) => ({ candidate, contains: candidate.toLowerCase().includes(lower), distance: distance(lower, candidate.toLowerCase()) }))
    .filter(
      ({ candidate, contains, distance: d }) =>
        !similarOnly || contains || d <= Math.max(3, Math.floor(word.length / 2)) || lower.includes(candidate.toLowerCase()),
    )
    .sort((a, b) => Number(b.contains) - Number(a.contains) || a.distance - b.distance || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, n)
    .map(({ candidate }) => candidate);
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
