import type { TObject } from 'typebox';
import { ValidationError } from '../shared/errors';
import type { Operation } from '../operations/types';

/**
 * What an agent calls: a tool (src/tools/<name>.ts) is a front to one or more operations
 * (src/operations), chosen by its arguments: `query` is the instant query, or the range
 * query when it has `start`. A model pays for every tool's definition on every turn, so
 * there are few tools, each with a short description and only the arguments most calls
 * use; the operations' other arguments are accepted all the same (the instructions name
 * them once) and checked by the operation's own schema, whose errors name them.
 *
 * The Lambda functions and their direct invokes (`operation`) are the operations; only
 * tool calls (AgentCore Gateway, the local MCP server) go through a tool.
 */
export interface Tool<S extends TObject = TObject> {
  name: string;
  /** For a model: what the tool answers and how its arguments choose, without what it can guess. */
  description: string;
  /** The arguments listed to agents (their types and descriptions), not a validator: the operation validates. */
  args: S;
  /** The operations it fronts: direct invokes by these names, and ENABLED_TOOLS enabling the tool enables them. */
  operations: readonly Operation[];
  /** It changes something (the Alertmanager's silences): listed only where the deployment allows writes, annotated as such. */
  writes?: boolean;
  /** The operation a call's arguments choose, and the arguments it gets. */
  route(args: Record<string, unknown>): { operation: string; args: Record<string, unknown> };
}

export function defineTool<S extends TObject>(tool: Tool<S>): Tool<S> {
  return tool;
}

/** The one mode argument given, among those that choose an operation; a clear error on two. */
export function oneOf(args: Record<string, unknown>, modes: readonly string[], tool: string): string | undefined {
  const given = modes.filter((name) => args[name] !== undefined && args[name] !== false);
  if (given.length > 1) {
    throw new ValidationError(`${tool} takes one of ${modes.join(', ')} at a time, not ${given.join(' and ')}: make one call for each`);
  }
  return given[0];
}

/** The arguments without the tool's own mode switches (the operation does not take them). */
export function without(args: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([name]) => !names.includes(name)));
}
