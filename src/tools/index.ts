import { REGISTRY } from '../operations';
import type { Operation } from '../operations/types';
import { alertsTool } from './alerts';
import { discoverTool } from './discover';
import { queryTool } from './query';
import { serverInfoTool } from './server-info';
import { silenceTool } from './silence';
import { replacedBy } from './replaced';
import type { Tool } from './types';

export { replacedBy };

/**
 * Every tool, in the order agents see them: tools.json, the gateway's schema and the local
 * MCP server's list follow from this, and the router serves these names on tool calls.
 * Every operation is behind exactly one tool (a test holds it).
 */
export const TOOLS: readonly Tool[] = [queryTool, discoverTool, alertsTool, serverInfoTool, silenceTool] as readonly Tool[];

/** The tools an ENABLED_TOOLS list allows (all when there is none), in order; an unknown or old name fails the start. */
export function enabledTools(enabled: ReadonlySet<string> | undefined): readonly Tool[] {
  if (enabled === undefined) return TOOLS;
  const unknown = [...enabled].filter((name) => !TOOLS.some((tool) => tool.name === name));
  if (unknown.length > 0) {
    const why = unknown.map((name) => replacedBy(name) ?? name).join('; ');
    throw new Error(`environment variable ENABLED_TOOLS names unknown tools: ${why} (tools: ${TOOLS.map((t) => t.name).join(', ')})`);
  }
  return TOOLS.filter((tool) => enabled.has(tool.name));
}

/** The operations behind some tools, in registry order: what a router serving them must bundle and may be invoked for. */
export function operationsOf(tools: readonly Tool[]): readonly Operation[] {
  const names = new Set(tools.flatMap((tool) => tool.operations.map((op) => op.name)));
  return REGISTRY.filter((op) => names.has(op.name));
}
