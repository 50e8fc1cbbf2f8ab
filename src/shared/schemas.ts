// Named imports, not the default `Type` namespace: esbuild then leaves TypeBox's unused
// builders (Script, mapped types…) out of the bundle and the cold start.
import {
  Boolean as TBoolean,
  Integer,
  Number as TNumber,
  Object as TObject,
  Optional,
  String as TString,
  Union,
  type Static,
  type TSchema,
} from 'typebox';
import { Compile } from 'typebox/compile';
import { ValidationError } from './errors';
import { REGION_PATTERN, WORKSPACE_ID_PATTERN } from './security';

/**
 * One TypeBox schema per operation: the single source of truth for the TypeScript
 * types, the runtime validation below and the tool schemas agents see.
 */

export const OPERATIONS = ['query', 'range_query', 'list_metrics', 'server_info'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const MAX_QUERY_LENGTH = 32_768;
/** Prometheus refuses a range whose (end - start) / step exceeds this: 11,001 points at most. */
export const MAX_RESOLUTION = 11_000;
export const MAX_POINTS_PER_SERIES = MAX_RESOLUTION + 1;

const workspaceId = TString({
  pattern: WORKSPACE_ID_PATTERN,
  examples: ['ws-12345678-abcd-1234-efgh-123456789012'],
  description:
    'Amazon Managed Service for Prometheus workspace ID, e.g. ws-12345678-abcd-1234-efgh-123456789012. ' +
    'Optional when the function has a default workspace (WORKSPACE_ID).',
});

const region = TString({
  pattern: REGION_PATTERN,
  examples: ['us-east-1'],
  description: "AWS region of the workspace, e.g. us-east-1. Defaults to the function's own region.",
});

const query = TString({
  minLength: 1,
  maxLength: MAX_QUERY_LENGTH,
  description: `PromQL expression, e.g. up or rate(node_cpu_seconds_total{mode="system"}[5m]). At most ${MAX_QUERY_LENGTH} characters.`,
});

const time = (description: string) =>
  Union([TString({ minLength: 1, maxLength: 64 }), TNumber()], {
    description: `${description} RFC3339 (2023-04-01T00:00:00Z), Unix seconds (1680307200), or relative: now, now-1h, now-30m.`,
  });

const target = { workspace_id: Optional(workspaceId), region: Optional(region) };

const maxSeries = Integer({
  minimum: 1,
  maximum: 100_000,
  description: 'Return at most this many series (1 to 100000); the answer says when more matched.',
});

export const QueryArgs = TObject(
  {
    ...target,
    query,
    time: Optional(time('Evaluation time; defaults to now.')),
    max_series: Optional(maxSeries),
  },
  { additionalProperties: false },
);

export const RangeQueryArgs = TObject(
  {
    ...target,
    query,
    start: time('Start of the range.'),
    end: time('End of the range; not before start.'),
    step: Union([TString({ minLength: 1, maxLength: 32 }), TNumber()], {
      description: `Resolution: a Prometheus duration (30s, 5m, 1h) or seconds, at least 1ms. (end - start) / step may not exceed ${MAX_RESOLUTION} (Prometheus' limit of ${MAX_POINTS_PER_SERIES} points per series).`,
    }),
    max_series: Optional(maxSeries),
    max_points: Optional(
      Integer({
        minimum: 1,
        maximum: MAX_POINTS_PER_SERIES,
        description: `Keep at most this many of the most recent points of each series (1 to ${MAX_POINTS_PER_SERIES}); the answer says when points were left out. A larger step is usually the better way to see a whole range.`,
      }),
    ),
  },
  { additionalProperties: false },
);

export const ListMetricsArgs = TObject(
  {
    ...target,
    match: Optional(
      TString({
        minLength: 1,
        maxLength: 4096,
        description: 'Series selector restricting the metrics listed, e.g. {job="node"}.',
      }),
    ),
    limit: Optional(
      Integer({
        minimum: 1,
        maximum: 100_000,
        description: 'Return at most this many metric names (1 to 100000); the answer says when more exist.',
      }),
    ),
    include_metadata: Optional(
      TBoolean({ description: "Also return each metric's type, help and unit." }),
    ),
  },
  { additionalProperties: false },
);

export const ServerInfoArgs = TObject({ ...target }, { additionalProperties: false });

export type QueryArgs = Static<typeof QueryArgs>;
export type RangeQueryArgs = Static<typeof RangeQueryArgs>;
export type ListMetricsArgs = Static<typeof ListMetricsArgs>;
export type ServerInfoArgs = Static<typeof ServerInfoArgs>;

export const SCHEMAS = {
  query: QueryArgs,
  range_query: RangeQueryArgs,
  list_metrics: ListMetricsArgs,
  server_info: ServerInfoArgs,
} as const;

export interface ArgsByOperation {
  query: QueryArgs;
  range_query: RangeQueryArgs;
  list_metrics: ListMetricsArgs;
  server_info: ServerInfoArgs;
}

type Validator = ReturnType<typeof Compile>;
const validators = new Map<Operation, Validator>();

/** Validates `value` against the operation's schema, or throws a ValidationError naming each bad field. */
export function validateArgs<O extends Operation>(operation: O, value: unknown): ArgsByOperation[O] {
  const schema = SCHEMAS[operation];
  let validator = validators.get(operation);
  if (validator === undefined) {
    validator = Compile(schema);
    validators.set(operation, validator);
  }
  if (validator.Check(value)) return value as ArgsByOperation[O];
  throw new ValidationError(describeErrors(schema, validator.Errors(value)));
}

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: object;
  message: string;
}

function describeErrors(schema: TSchema, errors: SchemaError[]): string {
  const messages: string[] = [];
  const seenPaths = new Set<string>();
  const properties = (schema as { properties: Record<string, TSchema> }).properties;
  for (const error of errors) {
    if (error.keyword === 'required') {
      const missing = (error.params as { requiredProperties: string[] }).requiredProperties;
      messages.push(...missing.map((name) => `missing required field '${name}'`));
    } else if (error.keyword === 'additionalProperties') {
      const unknown = (error.params as { additionalProperties: string[] }).additionalProperties;
      const allowed = Object.keys(properties).join(', ');
      messages.push(...unknown.map((name) => `unknown field '${truncate(name)}' (allowed: ${allowed})`));
    } else if (error.instancePath === '') {
      messages.push('the arguments must be a JSON object');
    } else {
      const field = fieldName(error.instancePath);
      // A union reports every branch; one line per field says it best.
      if (seenPaths.has(field) || error.keyword === 'boolean') continue;
      seenPaths.add(field);
      messages.push(describeField(field, properties[field], error));
    }
  }
  return messages.join('; ');
}

function describeField(field: string, schema: TSchema | undefined, error: SchemaError): string {
  const s = (schema ?? {}) as { anyOf?: { type: string }[]; pattern?: string; examples?: unknown[] };
  if (s.anyOf !== undefined) return `field '${field}' must be ${s.anyOf.map((b) => `a ${b.type}`).join(' or ')}`;
  if (error.keyword === 'pattern') {
    const example = s.examples?.[0] === undefined ? '' : ` such as ${String(s.examples[0])}`;
    return `field '${field}' must match ${s.pattern}${example}`;
  }
  return `field '${field}' ${error.message}`;
}

function fieldName(instancePath: string): string {
  return instancePath.slice(1).split('/')[0]!.replace(/~1/g, '/').replace(/~0/g, '~');
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
