import type { TSchema } from 'typebox';
import { MAX_POINTS_PER_SERIES, OPERATIONS, SCHEMAS, type Operation } from './schemas';

/**
 * The agents' tool definitions, generated from the TypeBox schemas (never a second
 * copy). Input schemas keep only what AgentCore Gateway accepts for Lambda targets
 * (type, description, properties, required, items); patterns, ranges and unions move
 * into the descriptions, and the handlers still enforce them.
 */

export interface ToolInputSchema {
  type: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array';
  description?: string;
  properties?: Record<string, ToolInputSchema>;
  required?: string[];
  items?: ToolInputSchema;
}

export interface ToolDefinition {
  name: Operation;
  description: string;
  inputSchema: ToolInputSchema;
}

const DESCRIPTIONS: Record<Operation, string> = {
  query:
    'Run an instant PromQL query on Amazon Managed Service for Prometheus: the value of each matching series at one moment ' +
    '(now, or `time`). Use it for current values, counts, rates and top-k questions. ' +
    'Example: {"query": "sum by (job) (rate(http_requests_total[5m]))"}. ' +
    'Answers Prometheus\' own {resultType, result}: each series has its labels and [Unix seconds, "value as a string"]; ' +
    'units are those of the metric (rates are per second). Use max_series when a query may match many series; ' +
    'an answer that was cut says so in `truncated` and `note`. Errors come back as {status: "error", error: {type, message}} ' +
    'saying what to fix.',
  range_query:
    'Run a PromQL range query: the values of each matching series from `start` to `end`, one point every `step`. ' +
    'Use it for trends, comparisons over time and graphs. ' +
    'Example: {"query": "rate(node_cpu_seconds_total{mode=\\"system\\"}[5m])", "start": "now-1h", "end": "now", "step": "5m"}. ' +
    `At most ${MAX_POINTS_PER_SERIES} points per series: choose step >= (end - start) / ${MAX_POINTS_PER_SERIES - 1}; ` +
    'a step near (end - start) / 200 is usually enough. Values are strings, timestamps Unix seconds. ' +
    'Use max_series and max_points to keep the answer small; a cut answer says so in `truncated` and `note`.',
  list_metrics:
    'List the metric names in the workspace, sorted, to find what to query before writing PromQL. ' +
    'Example: {"match": "{job=\\"node\\"}", "limit": 200}. Answers {metrics, total, truncated}; with include_metadata, ' +
    'also each metric\'s type (counter, gauge, histogram, summary), help text and unit. Counters end in _total: query them with rate().',
  server_info:
    'Describe the Prometheus workspace these tools query: its ID, alias, status and ARN, the region, the query endpoint, ' +
    'and whether it is reachable right now (with the latency in ms). Use it first when a query fails, ' +
    'or to check which workspace you are looking at. Takes no required arguments: {}.',
};

export function toolDefinitions(): ToolDefinition[] {
  return OPERATIONS.map((name) => ({
    name,
    description: DESCRIPTIONS[name],
    inputSchema: toToolSchema(SCHEMAS[name]),
  }));
}

interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

function toToolSchema(schema: TSchema | JsonSchema): ToolInputSchema {
  const s = schema as JsonSchema;
  if (s.anyOf !== undefined) {
    // A string-or-number field is offered as a string: the handler accepts both.
    const first = toToolSchema(s.anyOf[0]!);
    return { ...first, description: joinText(s.description, accepts(s.anyOf)) };
  }
  const type = s.type as ToolInputSchema['type'];
  const result: ToolInputSchema = { type };
  const description = joinText(s.description, constraints(s));
  if (description !== undefined) result.description = description;
  if (s.properties !== undefined) {
    result.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toToolSchema(v)]));
    result.required = s.required ?? [];
  }
  if (s.items !== undefined) result.items = toToolSchema(s.items);
  return result;
}

function accepts(branches: JsonSchema[]): string | undefined {
  const types = branches.map((b) => b.type);
  return types.includes('number') ? 'A number is accepted too.' : undefined;
}

function constraints(s: JsonSchema): string | undefined {
  const parts: string[] = [];
  if (s.pattern !== undefined) parts.push(`Must match ${s.pattern}.`);
  if (s.maxLength !== undefined && s.description?.includes(String(s.maxLength)) !== true) {
    parts.push(`At most ${s.maxLength} characters.`);
  }
  return parts.length === 0 ? undefined : parts.join(' ');
}

function joinText(...parts: (string | undefined)[]): string | undefined {
  const text = parts.filter((p) => p !== undefined && p !== '').join(' ');
  return text === '' ? undefined : text;
}
