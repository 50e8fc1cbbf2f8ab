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
  Unknown,
  Array as TArray,
  type Static,
  type TSchema,
} from 'typebox';
import { Compile } from 'typebox/compile';
import { ValidationError } from './errors';
import { REGION_PATTERN, WORKSPACE_ID_PATTERN } from './security';

/**
 * The argument pieces the operations' schemas share (src/operations/*.ts), and the
 * validation of a request's arguments against an operation's schema.
 */

export const MAX_QUERY_LENGTH = 32_768;
/** Prometheus refuses a range whose (end - start) / step exceeds this: 11,001 points at most. */
export const MAX_RESOLUTION = 11_000;
export const MAX_POINTS_PER_SERIES = MAX_RESOLUTION + 1;

const workspaceId = TString({
  pattern: WORKSPACE_ID_PATTERN,
  examples: ['ws-12345678-abcd-1234-efgh-123456789012'],
  description: 'Default: configured.',
});

// No description: its name says it, and optional says there is a default (the function's region).
const region = TString({
  pattern: REGION_PATTERN,
  examples: ['us-east-1'],
});

/** The workspace and region every operation may name. */
export const target = { workspace_id: Optional(workspaceId), region: Optional(region) };

export const promql = TString({
  minLength: 1,
  maxLength: MAX_QUERY_LENGTH,
  description: 'PromQL expression.',
});

/** A time in any of the forms the MCP server's instructions list (RFC3339, Unix seconds, now-1h, 1h). */
export const time = (description: string) => Union([TString({ minLength: 1, maxLength: 64 }), TNumber()], { description });

export const maxSeries = Integer({
  minimum: 1,
  maximum: 100_000,
  description: 'Keep the top N series by latest value.',
});

export const limit = (what: string) =>
  Integer({
    minimum: 1,
    maximum: 100_000,
    description: `At most this many ${what}.`,
  });

/** At most this many series selectors in one `match`: each goes as a `match[]`, and series matching any are kept. */
export const MAX_SELECTORS = 20;

/** One series selector, or a list of them. */
export const selectors = (description: string) => {
  const one = TString({ minLength: 1, maxLength: 4096 });
  return Union([one, TArray(one, { minItems: 1, maxItems: MAX_SELECTORS })], { description });
};

export { TArray, TBoolean, Integer, TNumber, TObject, Optional, TString, Union, Unknown };

/** An output shape: the properties named, any others allowed (Prometheus may add fields). */
export const output = (properties: Parameters<typeof TObject>[0], description: string) => TObject(properties, { description });

type Validator = ReturnType<typeof Compile>;
const validators = new WeakMap<TSchema, Validator>();

/** Validates `value` against a schema, or throws a ValidationError naming each bad field. */
export function validateArgs<S extends TSchema>(schema: S, value: unknown): Static<S> {
  let validator = validators.get(schema);
  if (validator === undefined) {
    validator = Compile(schema);
    validators.set(schema, validator);
  }
  const coerced = coerceScalars(schema, value);
  if (validator.Check(coerced)) return coerced as Static<S>;
  throw new ValidationError(describeErrors(schema, validator.Errors(coerced)));
}

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Models often send numbers and booleans as strings (`"limit": "5"`): a top-level
 * argument whose schema is an integer, a number or a boolean is read from such a
 * string. Anything else is left for the validation to judge.
 */
function coerceScalars(schema: TSchema, value: unknown): unknown {
  const properties = (schema as { properties?: Record<string, { type?: string }> }).properties;
  if (properties === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, raw] of Object.entries(value)) {
    const type = Object.hasOwn(properties, key) ? properties[key]!.type : undefined;
    if (typeof raw !== 'string' || type === undefined) continue;
    let parsed: unknown = raw;
    if ((type === 'integer' || type === 'number') && NUMERIC.test(raw.trim())) parsed = Number(raw);
    else if (type === 'boolean' && (raw === 'true' || raw === 'false')) parsed = raw === 'true';
    if (parsed !== raw) (copy ??= { ...value })[key] = parsed;
  }
  return copy ?? value;
}

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: object;
  message: string;
}

function describeErrors(schema: TSchema, errors: SchemaError[]): string {
  const messages: string[] = [];
  const seenFields = new Set<string>();
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
      if (seenFields.has(field) || error.keyword === 'boolean') continue;
      seenFields.add(field);
      const ofField = errors.filter((e) => e.keyword !== 'boolean' && e.instancePath !== '' && fieldName(e.instancePath) === field);
      messages.push(describeField(field, properties[field], ofField));
    }
  }
  return messages.join('; ');
}

function describeField(field: string, schema: TSchema | undefined, errors: SchemaError[]): string {
  const s = (schema ?? {}) as { anyOf?: { type: string }[]; pattern?: string; patternText?: string; examples?: unknown[] };
  if (s.anyOf !== undefined) {
    // The branch of the value's own type says what is wrong (an empty string, a list too long);
    // when no branch has the value's type, the types allowed do.
    const inBranch = errors.find((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.instancePath.split('/').length === 2));
    if (inBranch !== undefined) return `field '${itemName(inBranch.instancePath)}' ${inBranch.message}`;
    return `field '${field}' must be ${s.anyOf.map((b) => `${b.type === 'array' ? 'an' : 'a'} ${b.type}`).join(' or ')}`;
  }
  const error = errors[0]!;
  if (error.keyword === 'pattern') {
    const example = s.examples?.[0] === undefined ? '' : ` such as ${String(s.examples[0])}`;
    // A pattern a model cannot read at a glance is said in words (`patternText`).
    return s.patternText === undefined ? `field '${field}' must match ${s.pattern}${example}` : `field '${field}' must be ${s.patternText}${example}`;
  }
  return `field '${field}' ${error.message}`;
}

function fieldName(instancePath: string): string {
  return unescapePointer(instancePath.slice(1).split('/')[0]!);
}

/** `/match/1` is `match[1]`: the field, then the item. */
function itemName(instancePath: string): string {
  const [field, ...items] = instancePath.slice(1).split('/');
  return `${unescapePointer(field!)}${items.map((item) => `[${unescapePointer(item)}]`).join('')}`;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
