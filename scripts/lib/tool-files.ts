import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REGISTRY } from '../../src/operations';
import { toolDefinitions, type ToolInputSchema } from '../../src/shared/tools';

/**
 * The files generated from the tool definitions: tools.json (the local MCP server's tool
 * list, output schemas included) and the gateway target's inline tool schema in
 * template.yaml (CloudFormation's PascalCase form, without output schemas), between its
 * BEGIN/END GENERATED markers.
 */

export const ROOT = path.join(__dirname, '..', '..');
export const TOOLS_FILE = path.join(ROOT, 'tools.json');
export const TEMPLATE_FILE = path.join(ROOT, 'template.yaml');

export function renderToolsJson(): string {
  return `${JSON.stringify(toolDefinitions(REGISTRY), null, 2)}\n`;
}

/** template.yaml with its generated block rewritten from the current definitions. */
export function renderTemplate(template: string = readFileSync(TEMPLATE_FILE, 'utf8')): string {
  const tools = toolDefinitions(REGISTRY);
  // JSON is YAML: one flow-style line per tool keeps the blocks readable and diffable.
  const withConditions = replaceBlock(template, 'TOOL CONDITIONS', (indent) =>
    tools.map((tool) => `${indent}${conditionName(tool.name)}: ${JSON.stringify(enabledCondition(tool.name))}`),
  );
  return replaceBlock(withConditions, 'TOOL SCHEMA', (indent) => [
    `${indent}InlinePayload:`,
    ...tools.map((tool) => {
      // No OutputSchema: AWS does not document that the gateway returns structuredContent
      // for Lambda targets, and MCP clients (the SDKs) refuse a result without it from a
      // tool that declares one. The text content carries the same envelope.
      const definition = { Name: tool.name, Description: tool.description, InputSchema: pascal(tool.inputSchema) };
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

function pascal(schema: ToolInputSchema): PascalSchema {
  return {
    Type: schema.type,
    ...(schema.description === undefined ? {} : { Description: schema.description }),
    ...(schema.properties === undefined
      ? {}
      : { Properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, pascal(v)])) }),
    ...(schema.required === undefined ? {} : { Required: schema.required }),
    ...(schema.items === undefined ? {} : { Items: pascal(schema.items) }),
  };
}
