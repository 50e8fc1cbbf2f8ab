import { readFileSync } from 'node:fs';
import path from 'node:path';

export const FUNCTIONS = ['query', 'range-query', 'list-metrics', 'server-info', 'integration', 'alerting', 'discovery', 'workspaces'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** An event from events/, as `sam local invoke -e` reads it. */
export function loadEvent(name: FunctionName): { body: Record<string, unknown> } {
  return JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'events', `${name}.json`), 'utf8'));
}
