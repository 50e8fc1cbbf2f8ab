import type { Call } from '../shared/calls';
import { AppError } from '../shared/errors';
import type { PrometheusClient } from '../shared/prometheus-client';
import type { OperationContext } from './types';

/**
 * Why a query may have returned nothing, in words a model can act on: metric names
 * that do not exist (with up to 5 similar ones that do), and an equality matcher whose
 * value matches nothing (with values that exist). Only on an empty answer, and at most
 * two GET calls: the metric names, then one label's values.
 */

/** The calls the hints make: an operation that gives hints declares these too. */
export const HINT_CALLS = ['label/values'] as const satisfies readonly Call[];

const MAX_SIMILAR = 5;
const MAX_VALUES = 10;

interface Selector {
  metric?: string;
  matchers: { label: string; value: string }[];
}

export async function emptyResultHints(query: string, client: PrometheusClient, ctx: OperationContext): Promise<string[]> {
  try {
    const selectors = await selectorsOf(query);
    const hints: string[] = [];
    const metrics = [...new Set(selectors.flatMap((s) => (s.metric === undefined ? [] : [s.metric])))];
    if (metrics.length > 0) {
      const names = (await client.call<string[]>('label/__name__/values', [], ctx)).data;
      const known = new Set(names);
      for (const metric of metrics.filter((m) => !known.has(m))) {
        const similar = closest(metric, names, MAX_SIMILAR);
        hints.push(
          `metric '${metric}' does not exist in this workspace` +
            (similar.length === 0 ? '' : `; similar names that do: ${similar.join(', ')}`),
        );
      }
      if (hints.length > 0) return hints;
    }
    // Every metric exists: the first equality matcher may be what matches nothing.
    const selector = selectors.find((s) => s.matchers.length > 0);
    const matcher = selector?.matchers[0];
    if (selector === undefined || matcher === undefined) return hints;
    const match: [string, string][] = selector.metric === undefined ? [] : [['match[]', `{__name__=${JSON.stringify(selector.metric)}}`]];
    const values = (await client.call<string[]>(`label/${encodeURIComponent(matcher.label)}/values`, match, ctx)).data;
    if (!values.includes(matcher.value)) {
      const scope = selector.metric === undefined ? '' : ` on ${selector.metric}`;
      hints.push(
        values.length === 0
          ? `label '${matcher.label}' does not exist${scope}`
          : `no series has ${matcher.label}=${JSON.stringify(matcher.value)}${scope}; values that exist: ` +
              closest(matcher.value, values, MAX_VALUES, false).map((v) => JSON.stringify(v)).join(', '),
      );
    }
    return hints;
  } catch (error) {
    // Hints are a courtesy: their failure never fails the answer.
    if (error instanceof AppError) return [];
    throw error;
  }
}

/** The vector selectors of a query: metric name and equality matchers, by Prometheus' own grammar. */
async function selectorsOf(query: string): Promise<Selector[]> {
  const { parser } = await import('@prometheus-io/lezer-promql');
  const selectors: Selector[] = [];
  const tree = parser.parse(query);
  const cursor = tree.cursor();
  const text = (from: number, to: number) => query.slice(from, to);
  do {
    if (cursor.name !== 'VectorSelector') continue;
    const selector: Selector = { matchers: [] };
    const node = cursor.node;
    const identifier = node.getChild('Identifier');
    if (identifier !== null) selector.metric = text(identifier.from, identifier.to);
    for (const matcher of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
      const name = matcher.getChild('LabelName');
      const op = matcher.getChild('MatchOp');
      const value = matcher.getChild('StringLiteral');
      if (name === null || op === null || value === null || text(op.from, op.to) !== '=') continue;
      const label = text(name.from, name.to);
      const literal = unquote(text(value.from, value.to));
      if (literal === undefined) continue;
      if (label === '__name__') selector.metric = literal;
      else selector.matchers.push({ label, value: literal });
    }
    selectors.push(selector);
  } while (cursor.next());
  return selectors;
}

function unquote(literal: string): string | undefined {
  try {
    if (literal.startsWith('"')) return JSON.parse(literal) as string;
    if (literal.startsWith("'")) return JSON.parse(`"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
    if (literal.startsWith('`')) return literal.slice(1, -1);
  } catch {
    return undefined;
  }
  return undefined;
}

/** Up to `n` candidates closest to `word` by edit distance, closest first; only similar ones when `similarOnly`. */
function closest(word: string, candidates: string[], n: number, similarOnly = true): string[] {
  return candidates
    .map((candidate) => ({ candidate, distance: distance(word.toLowerCase(), candidate.toLowerCase()) }))
    .filter(
      ({ candidate, distance: d }) =>
        !similarOnly || d <= Math.max(3, Math.floor(word.length / 2)) || candidate.includes(word) || word.includes(candidate),
    )
    .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : 1))
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
