import type { TSchema } from 'typebox';
import type { Tool } from '../tools/types';
import type { Config } from './config';

/**
 * The agents' tool definitions, generated from the operations' TypeBox schemas (never
 * a second copy). Input schemas keep what AgentCore Gateway accepts for Lambda targets
 * (type, description, properties, required, items) and, for MCP clients, `enum`: a
 * pattern that lists the allowed values becomes one (the gateway's form turns it back
 * into text, scripts/lib/tool-files.ts). Other patterns move into the descriptions,
 * except where an example shows the format (a workspace ID); lengths and ranges are
 * left to the handlers, which enforce them all and name them in their errors. What
 * every tool shares (time formats, answer formats, the envelope) is said once, in the
 * MCP server's instructions, not in each description.
 */

export interface ToolInputSchema {
  type: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array';
  description?: string;
  enum?: string[];
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
  /**
   * MCP tool annotations, hints for the host (the model is not given them): every tool reads
   * an outside system (open-world); the ones that read change nothing (read-only); the one that
   * writes (silence) is not read-only, not destructive (a silence ends on its own, and only
   * its own are expired) and not idempotent (each call makes another silence).
   */
  annotations: { readOnlyHint: boolean; openWorldHint: true; destructiveHint?: false; idempotentHint?: false };
}

const READS = { readOnlyHint: true, openWorldHint: true } as const;
const WRITES = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true } as const;

export function toolDefinitions(tools: readonly Tool[]): ToolDefinition[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: toToolSchema(tool.args),
    outputSchema: envelopeSchema(),
    annotations: tool.writes === true ? WRITES : READS,
  }));
}

/** What the tool list depends on: where the queries go, and which workspaces and regions they may name. */
export type Deployment = Pick<
  Config,
  'prometheusUrl' | 'sigv4' | 'defaultRegion' | 'defaultWorkspaceId' | 'allowedWorkspaceIds' | 'allowedRegions' | 'cloudWatch' | 'allowSilences'
>;

const THRESHOLD_ARGS = ['max_samples_processed_warning_threshold', 'max_samples_processed_error_threshold'];

/**
 * The arguments that cannot apply to a deployment, left out of its tool list (the router
 * still accepts and checks them): with PROMETHEUS_URL, the workspaces (workspace_id,
 * server_info's list of them), AMP's cost guardrails and the region (unless SigV4 needs one
 * and the function has none); on AMP, workspace_id when only the default workspace may be
 * queried, and region when only the function's own region may.
 */
export function leftOutFor(deployment: Deployment): { args: string[] } {
  const only = (allowed: ReadonlySet<string> | undefined, value: string | undefined) =>
    value !== undefined && (allowed === undefined || (allowed.size === 1 && allowed.has(value)));
  if (deployment.prometheusUrl !== undefined) {
    const regionNeeded = (deployment.sigv4 || deployment.cloudWatch) && deployment.defaultRegion === undefined;
    // With CloudWatch beside it, an agent chooses: workspace_id "cloudwatch", listed by list_workspaces.
    if (deployment.cloudWatch) return { args: [...(regionNeeded ? [] : ['region']), ...THRESHOLD_ARGS] };
    // No workspaces to list: server_info's `workspaces` goes with workspace_id.
    return { args: ['workspace_id', 'workspaces', ...(regionNeeded ? [] : ['region']), ...THRESHOLD_ARGS] };
  }
  const singleRegion = deployment.allowedRegions !== undefined && only(deployment.allowedRegions, deployment.defaultRegion);
  return {
    args: [
      // With CloudWatch enabled there is always a choice to make: workspace_id "cloudwatch" or a workspace.
      ...(!deployment.cloudWatch && only(deployment.allowedWorkspaceIds, deployment.defaultWorkspaceId) ? ['workspace_id'] : []),
      ...(singleRegion ? ['region'] : []),
    ],
  };
}

/**
 * The full list (tools.json) trimmed of what cannot apply to the deployment: the local MCP
 * server's tool list. A tool that writes (its annotations say it is not read-only: the
 * silence tool) is listed only where the deployment allows writes (ALLOW_SILENCES).
 */
export function toolDefinitionsFor<
  T extends { name: string; inputSchema: { properties?: object; required?: string[] }; annotations?: { readOnlyHint?: boolean } },
>(deployment: Deployment, all: readonly T[]): T[] {
  const leftOut = leftOutFor(deployment);
  return all
    .filter((tool) => deployment.allowSilences || tool.annotations?.readOnlyHint !== false)
    .map((tool) => {
      const { properties = {}, required = [] } = tool.inputSchema;
      const kept = Object.entries(properties).filter(([name]) => !leftOut.args.includes(name));
      if (kept.length === Object.keys(properties).length) return tool;
      const stillRequired = required.filter((name) => !leftOut.args.includes(name));
      const { required: _required, ...schema } = tool.inputSchema;
      return {
        ...tool,
        inputSchema: { ...schema, properties: Object.fromEntries(kept), ...(stillRequired.length === 0 ? {} : { required: stillRequired }) },
      };
    });
}

const strings = (description: string): ToolInputSchema => ({ type: 'array', description, items: { type: 'string' } });

/**
 * The envelope, success or error. Its data is the answer of the operation the tool's
 * arguments chose (a query's, a list's…), so only its type is said.
 */
function envelopeSchema(): ToolInputSchema {
  return {
    type: 'object',
    properties: {
      status: { type: 'string', description: 'success or error.' },
      data: { type: 'object', description: "The answer, shaped by the operation the tool's arguments chose." },
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
      step: { type: 'number', description: 'The step a range query chose, in seconds, when none was given.' },
      samples_processed: { type: 'integer', description: 'Query samples the call processed (what AMP bills), where it ran queries.' },
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
  examples?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
}

function toToolSchema(schema: TSchema | JsonSchema): ToolInputSchema {
  const s = schema as JsonSchema;
  if (s.anyOf !== undefined) {
    // A string-or-number (or string-or-list) field is offered as a string: the handler accepts both.
    const first = toToolSchema(s.anyOf[0]!);
    return { ...first, description: joinText(s.description, accepts(s.anyOf)) };
  }
  const type = s.type as ToolInputSchema['type'];
  const result: ToolInputSchema = { type };
  const allowed = allowedValues(s.pattern);
  const description = joinText(s.description, allowed === undefined ? constraints(s) : undefined);
  if (description !== undefined) result.description = description;
  if (allowed !== undefined) result.enum = allowed;
  if (s.properties !== undefined) {
    result.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toToolSchema(v)]));
    const required = (s.required ?? []).filter((name) => Object.hasOwn(result.properties!, name));
    if (required.length > 0) result.required = required;
  }
  if (s.items !== undefined) result.items = toToolSchema(s.items);
  return result;
}

/** A string-or-number needs no word: times and steps are described as seconds or text already. */
function accepts(branches: JsonSchema[]): string | undefined {
  const list = branches.find((b) => b.type === 'array');
  return list === undefined ? undefined : `Or a list of up to ${list.maxItems}.`;
}

/** `^(a|b|c)$`: the values allowed, as an enum. */
function allowedValues(pattern: string | undefined): string[] | undefined {
  const match = pattern === undefined ? null : /^\^\(([a-z_]+(?:\|[a-z_]+)+)\)\$$/.exec(pattern);
  return match === null ? undefined : match[1]!.split('|');
}

/** A pattern, unless an example in the description shows the format (the handler's error names both). */
function constraints(s: JsonSchema): string | undefined {
  return s.pattern === undefined || s.examples !== undefined ? undefined : `Must match ${s.pattern}.`;
}

function joinText(...parts: (string | undefined)[]): string | undefined {
  const text = parts.filter((p) => p !== undefined && p !== '').join(' ');
  return text === '' ? undefined : text;
}
