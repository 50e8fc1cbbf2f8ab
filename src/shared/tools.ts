import type { TSchema } from 'typebox';
import type { Operation } from '../operations/types';

/**
 * The agents' tool definitions, generated from the operations' TypeBox schemas (never
 * a second copy). Input schemas keep only what AgentCore Gateway accepts for Lambda
 * targets (type, description, properties, required, items); patterns, ranges and
 * unions move into the descriptions, and the handlers still enforce them.
 */

export interface ToolInputSchema {
  type: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array';
  description?: string;
  properties?: Record<string, ToolInputSchema>;
  required?: string[];
  items?: ToolInputSchema;
}

export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: ToolInputSchema;
  /**
   * The envelope every call answers, for the local MCP server's structured results. The
   * gateway target's schema leaves it out (scripts/lib/tool-files.ts): a tool that declares
   * one must return structuredContent, which the gateway is not documented to do.
   */
  outputSchema: ToolInputSchema;
}

export function toolDefinitions(operations: readonly Operation[]): ToolDefinition[] {
  return operations.map((op) => ({
    name: op.name,
    description: op.description,
    inputSchema: toToolSchema(op.args),
    outputSchema: envelopeSchema(op.output),
  }));
}

const strings = (description: string): ToolInputSchema => ({ type: 'array', description, items: { type: 'string' } });

/**
 * The envelope, success or error, with the operation's data described. Data fields
 * whose type is open (a query's `result`) are left out, since the gateway's schemas
 * need a type; nothing in `data` is required, so every format of it conforms.
 */
function envelopeSchema(data: TSchema): ToolInputSchema {
  const { required: _required, ...described } = toToolSchema(data, true);
  return {
    type: 'object',
    properties: {
      status: { type: 'string', description: 'success or error.' },
      data: described,
      error: {
        type: 'object',
        description: 'On error: a machine-readable type and a message saying what to fix.',
        properties: { type: { type: 'string' }, message: { type: 'string' } },
        required: ['type', 'message'],
      },
      warnings: strings("Prometheus' (or AMP's) warnings."),
      infos: strings("Prometheus' informational notes."),
      truncated: { type: 'boolean', description: 'Present (true) when a limit or the response budget left something out.' },
      note: { type: 'string', description: 'What was left out and how to narrow the request, or anything else to know.' },
      hints: strings('Why an empty answer may be empty: names or values that do not exist, and similar ones that do.'),
      step: { type: 'number', description: 'The step range_query chose, in seconds, when none was given.' },
    },
    required: ['status'],
  };
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
  maxItems?: number;
}

function toToolSchema(schema: TSchema | JsonSchema, dropUntyped = false): ToolInputSchema {
  const s = schema as JsonSchema;
  if (s.anyOf !== undefined) {
    // A string-or-number (or string-or-list) field is offered as a string: the handler accepts both.
    const first = toToolSchema(s.anyOf[0]!, dropUntyped);
    return { ...first, description: joinText(s.description, accepts(s.anyOf)) };
  }
  const type = s.type as ToolInputSchema['type'];
  const result: ToolInputSchema = { type };
  const description = joinText(s.description, constraints(s));
  if (description !== undefined) result.description = description;
  if (s.properties !== undefined) {
    const kept = Object.entries(s.properties).filter(([, v]) => !dropUntyped || v.type !== undefined || v.anyOf !== undefined);
    result.properties = Object.fromEntries(kept.map(([k, v]) => [k, toToolSchema(v, dropUntyped)]));
    result.required = (s.required ?? []).filter((name) => Object.hasOwn(result.properties!, name));
  }
  if (s.items !== undefined) result.items = toToolSchema(s.items, dropUntyped);
  return result;
}

function accepts(branches: JsonSchema[]): string | undefined {
  const list = branches.find((b) => b.type === 'array');
  return joinText(
    branches.some((b) => b.type === 'number') ? 'A number is accepted too.' : undefined,
    list === undefined ? undefined : `A list of up to ${list.maxItems} is accepted too.`,
  );
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
