/**
 * The verification report, shared by the local run and `npm run verify`: the state
 * machine's {passed, failed, checks}, with each check's latency taken from the
 * execution's history (when the Task state running it was entered and left), printed
 * as a table.
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

/** The one Task state, in statemachine/verify.asl.json's Map, that runs every check. */
export const CHECK_TASK = 'Invoke';

/** When a check's Task state was entered and left in the execution (epoch ms). */
export interface CheckSpan {
  check: string;
  entered: number;
  exited?: number;
}

/** The check a Task state is running, from its input (the Map iteration's `check`). */
export function checkOf(taskInput: unknown): string | undefined {
  const name = (taskInput as { check?: { name?: unknown } } | null)?.check?.name;
  return typeof name === 'string' ? name : undefined;
}

export function withLatencies(report: Report, spans: CheckSpan[]): TimedCheck[] {
  return report.checks.map((check) => {
    const span = spans.find((s) => s.check === check.name && s.exited !== undefined);
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
