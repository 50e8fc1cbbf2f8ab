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
}

export function toolDefinitions(operations: readonly Operation[]): ToolDefinition[] {
  return operations.map((op) => ({
    name: op.name,
    description: op.description,
    inputSchema: toToolSchema(op.args),
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
