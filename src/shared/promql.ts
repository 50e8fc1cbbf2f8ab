import { parser } from '@prometheus-io/lezer-promql';
import { PromQLSyntaxError } from './errors';

/**
 * Parses PromQL with Prometheus' own grammar (@prometheus-io/lezer-promql) before any
 * network call. The parser recovers from errors by inserting error nodes; the first one
 * gives the position reported to the caller. Semantic errors the grammar cannot see
 * (wrong argument types, for example) are left to Prometheus, whose message is passed on.
 */
export function assertValidPromQL(field: string, query: string): void {
  let error: { from: number; to: number } | undefined;
  parser.parse(query).iterate({
    enter(node) {
      if (error !== undefined) return false;
      if (node.type.isError) error = { from: node.from, to: node.to };
      return undefined;
    },
  });
  if (error === undefined) return;

  const { line, column } = position(query, error.from);
  const found =
    error.from >= query.length
      ? 'unexpected end of input'
      : `unexpected ${JSON.stringify(query.slice(error.from, Math.max(error.to, error.from + 1)).slice(0, 20))}`;
  throw new PromQLSyntaxError(
    `field '${field}' is not valid PromQL: ${found} at line ${line}, column ${column} (offset ${error.from})`,
  );
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
