import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REGISTRY } from '../../src/operations';
import { toolDefinitions, type ToolInputSchema } from '../../src/shared/tools';

/**
 * The files generated from the tool definitions: tools.json (the MCP / AgentCore API
 * form) and the gateway target's inline tool schema in template.yaml (CloudFormation's
 * PascalCase form), between its BEGIN/END GENERATED markers.
 */

export const ROOT = path.join(__dirname, '..', '..');
export const TOOLS_FILE = path.join(ROOT, 'tools.json');
export const TEMPLATE_FILE = path.join(ROOT, 'template.yaml');
const BEGIN = /^( *)# BEGIN GENERATED TOOL SCHEMA.*$/m;
const END = /^ *# END GENERATED TOOL SCHEMA$/m;

export function renderToolsJson(): string {
  return `${JSON.stringify(toolDefinitions(REGISTRY), null, 2)}\n`;
}

/** template.yaml with its generated block rewritten from the current definitions. */
export function renderTemplate(template: string = readFileSync(TEMPLATE_FILE, 'utf8')): string {
  const begin = BEGIN.exec(template);
  const end = END.exec(template);
  if (begin === null || end === null || end.index < begin.index) {
    throw new Error('template.yaml has no BEGIN/END GENERATED TOOL SCHEMA markers');
  }
  const indent = begin[1]!;
  const payload = toolDefinitions(REGISTRY).map((tool) => ({
    Name: tool.name,
    Description: tool.description,
    InputSchema: pascal(tool.inputSchema),
    OutputSchema: pascal(tool.outputSchema),
  }));
  // JSON is YAML: one flow-style line per tool keeps the block readable and diffable.
  const lines = [`${indent}InlinePayload:`, ...payload.map((tool) => `${indent}  - ${JSON.stringify(tool)}`)];
  const blockStart = begin.index + begin[0].length + 1;
  return `${template.slice(0, blockStart)}${lines.join('\n')}\n${template.slice(end.index)}`;
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
