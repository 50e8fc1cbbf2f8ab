import type { Static, TObject, TSchema } from 'typebox';
import type { Call } from '../shared/calls';
import type { Config } from '../shared/config';
import type { RangeSource } from '../shared/result-size';
import type { CallOptions } from '../shared/prometheus-client';

/**
 * What an operation is: one file per operation (src/operations/<name>.ts) holds its
 * arguments (TypeBox, the single source of the types, the validation and the tool
 * schema agents see), its description for agents, the upstream calls it makes (from
 * which its IAM actions follow) and the call itself. The registry (index.ts) derives the router, the tool files, the
 * gateway schema, the MCP tool list and the functions' permissions from these.
 */
export interface Operation<S extends TObject = TObject> {
  name: string;
  /** For a model: when to use it, what it answers, one example. */
  description: string;
  args: S;
  /** The shape of the envelope's `data` on success, for the tools' outputSchema (MCP structured results). */
  output: TSchema;
  /**
   * Every call the operation can make upstream, hints included (DescribeWorkspace where it
   * resolves a workspace): its IAM actions follow from these (`actionsFor`), and the
   * client refuses a call not listed here.
   */
  calls: readonly Call[];
  /**
   * The calls it can make on CloudWatch PromQL, where fewer than `calls` (one refused there
   * before any call needs no CloudWatch action): CloudWatch's actions follow from these.
   */
  cloudWatchCalls?: readonly Call[];
  run(args: Static<S>, ctx: OperationContext): Promise<OperationResult>;
}

/** Keeps the argument types of `run` tied to the schema. */
export function defineOperation<S extends TObject>(operation: Operation<S>): Operation<S> {
  return operation;
}

export interface OperationContext extends CallOptions {
  config: Config;
  /** A tool call (AgentCore Gateway, the local MCP server): a model reads the answer, and gets the defaults sized for one. */
  toolCall?: boolean;
  /** Who is calling, as far as the invocation says (a silence's createdBy): the gateway, the local MCP server, or a direct invoke. */
  caller?: string;
}

/** What an operation hands back to the handler's edge. */
export interface OperationResult {
  data: unknown;
  warnings?: string[];
  infos?: string[];
  /** What a limit left out, one note per cut: the answer is flagged `truncated`. */
  notes?: string[];
  /** Anything else the caller should know, in the same `note`, without the flag. */
  remarks?: string[];
  /** Envelope-level facts besides the data (e.g. the step chosen, hints on an empty answer). */
  extra?: Record<string, unknown>;
  /** Series (or items) returned, for the SeriesReturned metric. */
  count: number;
  /** Size of what the upstream sent, to tell a small answer without measuring it. */
  upstreamBytes: number;
  /** A range query's data before its format: an answer over budget is resampled to a larger step. */
  range?: RangeSource;
}
