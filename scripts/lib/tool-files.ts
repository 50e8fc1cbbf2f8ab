import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TOOLS } from '../../src/tools';
import { toolDefinitions, toolDefinitionsFor, type Deployment, type ToolInputSchema } from '../../src/shared/tools';

/**
 * The files generated from the tool definitions: tools.json (the full list, output schemas
 * included, which the local MCP server trims at start to what its deployment can use:
 * toolDefinitionsFor) and the gateway target's inline tool schema in template.yaml
 * (CloudFormation's PascalCase form, without output schemas), between its BEGIN/END
 * GENERATED markers.
 */

export const ROOT = path.join(__dirname, '..', '..');
export const TOOLS_FILE = path.join(ROOT, 'tools.json');
export const TEMPLATE_FILE = path.join(ROOT, 'template.yaml');

export function renderToolsJson(): string {
  return `${JSON.stringify(toolDefinitions(TOOLS), null, 2)}\n`;
}

/** template.yaml with its generated block rewritten from the current definitions. */
/**
 * What the stack deploys behind the gateway: AMP, a default workspace (WorkspaceId) and
 * ALLOWED_REGIONS set to its own region, so `region` can name nothing else. Whether
 * AllowedWorkspaceIds adds workspaces is known only at deploy: `workspace_id` is listed
 * under the HasWorkspaceChoice condition (or CloudWatch enabled).
 */
const GATEWAY_DEPLOYMENT: Deployment = {
  // Listed under SilencesAllowed: the condition, not the list, leaves the silence tool out.
  allowSilences: true,
  sigv4: true,
  defaultRegion: 'us-east-1',
  allowedRegions: new Set(['us-east-1']),
  defaultWorkspaceId: 'ws-00000000-0000-0000-0000-000000000000',
  allowedWorkspaceIds: new Set(['ws-00000000-0000-0000-0000-000000000000', 'ws-00000000-0000-0000-0000-000000000001']),
  cloudWatch: false,
};

/**
 * The gateway has no server instructions: the conventions the MCP server's instructions
 * state, in one line of the first tool's description.
 */
export const GATEWAY_CONVENTIONS =
  'All tools: times are RFC3339, Unix seconds or a duration ago (1h); an answer cut to fit has a "note" on narrowing, an empty one "hints"; ' +
  'errors are {"status":"error","error":{…}}.';

export function renderTemplate(template: string = readFileSync(TEMPLATE_FILE, 'utf8')): string {
  const tools = toolDefinitionsFor(GATEWAY_DEPLOYMENT, toolDefinitions(TOOLS));
  // JSON is YAML: one flow-style line per tool keeps the blocks readable and diffable.
  // A tool that writes is listed only where the operator allows it (AllowSilences: SilencesAllowed).
  const writes = new Set(TOOLS.filter((tool) => tool.writes === true).map((tool) => tool.name));
  const withConditions = replaceBlock(template, 'TOOL CONDITIONS', (indent) =>
    tools.map((tool) => {
      const condition = enabledCondition(tool.name);
      return `${indent}${conditionName(tool.name)}: ${JSON.stringify(writes.has(tool.name) ? { 'Fn::And': [condition, { Condition: 'SilencesAllowed' }] } : condition)}`;
    }),
  );
  return replaceBlock(withConditions, 'TOOL SCHEMA', (indent) => [
    `${indent}InlinePayload:`,
    ...tools.map((tool, i) => {
      // No OutputSchema: AWS does not document that the gateway returns structuredContent
      // for Lambda targets, and MCP clients (the SDKs) refuse a result without it from a
      // tool that declares one. The text content carries the same envelope.
      const description = i === 0 ? `${tool.description} ${GATEWAY_CONVENTIONS}` : tool.description;
      const definition = { Name: tool.name, Description: description, InputSchema: gatewaySchema(tool.inputSchema) };
      return `${indent}  - ${JSON.stringify({ 'Fn::If': [conditionName(tool.name), definition, { Ref: 'AWS::NoValue' }] })}`;
    }),
  ]);
}

/** The condition under which the gateway lists a tool: EnabledTools is empty, or names it. */
export function conditionName(tool: string): string {
  return `Tool${tool.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Enabled`;
}

function enabledCondition(tool: string): unknown {
  // ",a,b," split on ",tool," leaves its first part whole unless the list names the tool.
  const padded = { 'Fn::Sub': ',${EnabledTools},' };
  return {
    'Fn::Or': [
      { 'Fn::Equals': [{ Ref: 'EnabledTools' }, ''] },
      { 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Select': [0, { 'Fn::Split': [`,${tool},`, padded] }] }, padded] }] },
    ],
  };
}

function replaceBlock(template: string, name: string, render: (indent: string) => string[]): string {
  const begin = new RegExp(`^( *)# BEGIN GENERATED ${name}.*$`, 'm').exec(template);
  const end = new RegExp(`^ *# END GENERATED ${name}$`, 'm').exec(template);
  if (begin === null || end === null || end.index < begin.index) {
    throw new Error(`template.yaml has no BEGIN/END GENERATED ${name} markers`);
  }
  const blockStart = begin.index + begin[0].length + 1;
  return `${template.slice(0, blockStart)}${render(begin[1]!).join('\n')}\n${template.slice(end.index)}`;
}

interface PascalSchema {
  Type: string;
  Description?: string;
  Properties?: Record<string, PascalSchema>;
  Required?: string[];
  Items?: PascalSchema;
}

/** The input schema, with workspace_id only when an agent has a choice: AllowedWorkspaceIds names a workspace besides WorkspaceId, or CloudWatch is enabled. */
function gatewaySchema(schema: ToolInputSchema): PascalSchema {
  const result = pascal(schema);
  const workspaceId = result.Properties?.workspace_id;
  if (workspaceId === undefined) return result;
  const conditional = { 'Fn::If': ['HasWorkspaceChoice', workspaceId, { Ref: 'AWS::NoValue' }] } as unknown as PascalSchema;
  return { ...result, Properties: { ...result.Properties, workspace_id: conditional } };
}

/** CloudFormation's form; it has no enum (AgentCore's SchemaDefinition), so the values go into the description. */
function pascal(schema: ToolInputSchema): PascalSchema {
  const description = schema.enum === undefined ? schema.description : [schema.description, `One of: ${schema.enum.join(', ')}.`].filter(Boolean).join(' ');
  return {
    Type: schema.type,
    ...(description === undefined ? {} : { Description: description }),
    ...(schema.properties === undefined
      ? {}
      : { Properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, pascal(v)])) }),
    ...(schema.required === undefined ? {} : { Required: schema.required }),
    ...(schema.items === undefined ? {} : { Items: pascal(schema.items) }),
  };
}
