import { ValidationError } from './errors';
import { labelNameText, unquote } from './promql';

/**
 * The Alertmanager's v2 API shapes the tools read (the same on AMP and on a plain
 * Alertmanager), and what a model is given of them: matchers written as a selector
 * (`{alertname="DiskFull", instance=~"node-.*"}`), a silence as who, why and until when.
 */

export interface AmMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** Absent on old Alertmanagers: an equality. */
  isEqual?: boolean;
}

export interface AmSilence {
  id: string;
  status: { state: string };
  matchers: AmMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  updatedAt?: string;
}

export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  receivers: { name: string }[];
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
  generatorURL?: string;
}

export interface AmAlertGroup {
  labels: Record<string, string>;
  receiver: { name: string };
  alerts: AmAlert[];
}

/** Matchers as PromQL writes them: `{alertname="DiskFull", instance=~"node-.*"}`. */
export function matchersText(matchers: readonly AmMatcher[]): string {
  const op = (m: AmMatcher) => (m.isEqual === false ? (m.isRegex ? '!~' : '!=') : m.isRegex ? '=~' : '=');
  return `{${matchers.map((m) => `${labelNameText(m.name)}${op(m)}${JSON.stringify(m.value)}`).join(', ')}}`;
}

/** Labels as a selector, the alert name first: `NodeDown{instance="node-2:9100"}`. */
export function alertText(labels: Record<string, string>): string {
  const { alertname, ...rest } = labels;
  const matchers = Object.keys(rest)
    .sort()
    .map((name) => `${labelNameText(name)}=${JSON.stringify(rest[name])}`);
  return `${alertname ?? ''}{${matchers.join(', ')}}`;
}

/** A silence as a model needs it: its ID, who set it and why, what it matches, from when until when. */
export function silenceSummary(silence: AmSilence): Record<string, unknown> {
  return {
    id: silence.id,
    state: silence.status.state,
    matchers: matchersText(silence.matchers),
    createdBy: silence.createdBy,
    comment: silence.comment,
    startsAt: silence.startsAt,
    endsAt: silence.endsAt,
  };
}

/**
 * A silence's matchers from a selector, by PromQL's grammar: `{alertname="DiskFull",
 * instance=~"node-.*"}` (a leading name, `DiskFull{…}`, is `alertname`). At least one
 * matcher, and none that matches the empty string alone: a silence of everything is refused.
 */
export async function parseMatchers(field: string, text: string): Promise<AmMatcher[]> {
  const { parser } = await import('@prometheus-io/lezer-promql');
  const tree = parser.parse(text);
  const expr = tree.topNode.firstChild;
  const selector = expr?.name === 'VectorSelector' ? expr : null;
  let broken = false;
  tree.iterate({ enter: (node) => { if (node.type.isError) broken = true; } });
  if (selector === null || broken || expr!.to !== text.trim().length + (text.length - text.trimStart().length)) {
    throw new ValidationError(`field '${field}' must be one selector of alert labels, e.g. {alertname="DiskFull", instance="node-1:9100"}`);
  }
  const read = (from: number, to: number) => text.slice(from, to);
  const matchers: AmMatcher[] = [];
  const name = selector.getChild('Identifier');
  if (name !== null) matchers.push({ name: 'alertname', value: read(name.from, name.to), isRegex: false, isEqual: true });
  for (let m = selector.getChild('LabelMatchers')?.firstChild ?? null; m !== null; m = m.nextSibling) {
    if (m.name === 'QuotedLabelName') {
      matchers.push({ name: 'alertname', value: unquote(read(m.from, m.to)) ?? '', isRegex: false, isEqual: true });
      continue;
    }
    const label = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
    const op = m.getChild('MatchOp');
    const value = m.getChild('StringLiteral');
    if (label === null || op === null || value === null) continue;
    const labelText = read(label.from, label.to);
    const operator = read(op.from, op.to);
    matchers.push({
      name: label.name === 'LabelName' ? labelText : (unquote(labelText) ?? labelText),
      value: unquote(read(value.from, value.to)) ?? '',
      isRegex: operator.endsWith('~'),
      isEqual: !operator.startsWith('!'),
    });
  }
  if (matchers.length === 0 || matchers.every((m) => matchesEmpty(m))) {
    throw new ValidationError(`field '${field}' must name what to silence: at least one matcher that does not match every alert, e.g. {alertname="DiskFull"}`);
  }
  return matchers;
}

/** Whether a matcher matches an absent label (so, alone, every alert). */
function matchesEmpty(m: AmMatcher): boolean {
  if (!m.isRegex) return (m.isEqual !== false) === (m.value === '');
  try {
    return new RegExp(`^(?:${m.value})$`).test('') === (m.isEqual !== false);
  } catch {
    return false;
  }
}
