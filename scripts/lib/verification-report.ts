/**
 * The verification report, shared by the local run and `npm run verify`: the state
 * machine's {passed, failed, checks}, with each check's latency taken from the
 * execution's history (when its Task state was entered and left), printed as a table.
 * JSONPath has no clock arithmetic, so the latency is read from the history on AWS and
 * from the event log locally: the same source either way.
 */

export interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

export interface Report {
  passed: number;
  failed: number;
  checks: Check[];
}

export interface TimedCheck extends Check {
  latency_ms?: number;
}

/** The Task state behind each check, as named in statemachine/verify.asl.json. */
export const CHECK_STATES: Record<string, string> = {
  server_info: 'ServerInfo',
  list_metrics: 'ListMetrics',
  query: 'Query',
  range_query: 'RangeQuery',
  integration: 'Integration',
};

/** A state's time in the execution: when it was entered and left (epoch ms). */
export interface StateSpan {
  state: string;
  entered: number;
  exited?: number;
}

export function withLatencies(report: Report, spans: StateSpan[]): TimedCheck[] {
  return report.checks.map((check) => {
    const span = spans.find((s) => s.state === CHECK_STATES[check.name] && s.exited !== undefined);
    return span === undefined ? check : { ...check, latency_ms: span.exited! - span.entered };
  });
}

export function formatReport(checks: TimedCheck[], status: string): string {
  const rows = checks.map((c) => [c.passed ? 'PASS' : 'FAIL', c.name, c.latency_ms === undefined ? '-' : `${c.latency_ms} ms`, c.detail]);
  const header = ['', 'check', 'latency', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  const passed = checks.filter((c) => c.passed).length;
  return [line(header), ...rows.map(line), '', `${status}: ${passed} passed, ${checks.length - passed} failed`].join('\n');
}
