import type { Context } from 'aws-lambda';
import { config } from './config';
import { AppError, InternalError, PrometheusApiError, ValidationError } from './errors';
import { instrument, logger, metrics, MetricUnit, type LambdaHandler } from './observability';
import type { Operation, OperationContext } from '../operations/types';
import type { Tool } from '../tools/types';
import { replacedBy } from '../tools/replaced';
import { eventArguments, eventShape, toolAnswer, toResult, type ApiResult, type Envelope, type SuccessEnvelope } from './responses';
import { fitToBudget, type Budget } from './result-size';
import { assertNoDangerousPatterns, assertRegionAllowed, assertWorkspaceAllowed } from './security';
import { validateArgs } from './schemas';

/** Time kept back from the Lambda deadline to shape and return the answer. */
const RESPONSE_RESERVE_MS = 500;
const DEFAULT_REMAINING_MS = 30_000;
/** The dimension of the per-function metrics the alarms read; Lambda sets it before init. */
const FUNCTION_NAME = process.env.AWS_LAMBDA_FUNCTION_NAME;

export type HandlerResult = ApiResult | Envelope;

/** A Lambda handler, and the names of the operations it serves. */
export type OperationsHandler = LambdaHandler<unknown, HandlerResult> & { operations: readonly string[] };

/**
 * Builds a Lambda handler serving `operations` (only these are bundled with it). With
 * one, it serves that one; with several, it routes: the operation comes from the
 * `operation` argument (a direct invoke) or, on a tool call (AgentCore Gateway, the local
 * MCP server), from the tool `tools` names and its arguments.
 */
export function createHandler(operations: readonly Operation[], tools: readonly Tool[] = []): OperationsHandler {
  const byName = new Map(operations.map((op) => [op.name, op]));
  const toolsByName = new Map(tools.map((tool) => [tool.name, tool]));
  const names = operations.map((op) => op.name);
  const fixed = operations.length === 1 ? operations[0] : undefined;
  const handler = instrument(async (event, context) => {
    const started = performance.now();
    const toolName = gatewayToolName(context);
    const shape = eventShape(event, toolName !== undefined);
    const ctx: OperationContext = {
      config,
      deadline: deadlineOf(context),
      stats: { retries: 0, upstreamErrors: 0 },
      toolCall: toolName !== undefined,
      caller: callerOf(context, toolName),
    };
    let resolved: string | undefined = fixed?.name;
    let statusCode = 200;
    let fault = false;
    let count = 0;
    try {
      const routed = route(fixed, byName, names, eventArguments(event, shape), toolName, toolsByName);
      resolved = routed.operation.name;
      ctx.calls = new Set(routed.operation.calls);
      ctx.cloudWatchCalls = new Set(routed.operation.cloudWatchCalls ?? routed.operation.calls);
      logger.appendKeys({ operation: resolved });
      const args = validateArgs(routed.operation.args, routed.args) as { workspace_id?: string; region?: string };
      const workspaceId = args.workspace_id ?? config.defaultWorkspaceId;
      logger.appendKeys({ workspace_id: workspaceId });
      assertNoDangerousPatterns(args as Record<string, unknown>);
      assertWorkspaceAllowed(workspaceId, config.allowedWorkspaceIds);
      assertRegionAllowed(args.region, config.allowedRegions);

      const result = await routed.operation.run(args, ctx);
      const { data, warnings, infos, notes = [], remarks = [], extra } = result;
      // A tool call is read by a model, whose host counts tokens; its estimate stays well under 6 MB.
      const budget: Budget =
        toolName === undefined
          ? { limit: config.responseBudgetBytes, unit: 'bytes' }
          : // An estimated token is at most 3 bytes: the byte budget holds for tool calls too.
            { limit: Math.min(config.agentResponseBudgetTokens, Math.floor(config.responseBudgetBytes / 3)), unit: 'tokens' };
      const fitted = fitToBudget(
        {
          status: 'success',
          data,
          ...extra,
          ...(warnings === undefined ? {} : { warnings }),
          ...(infos === undefined ? {} : { infos }),
          ...(notes.length === 0 ? {} : { truncated: true }),
          ...(notes.length + remarks.length === 0 ? {} : { note: [...notes, ...remarks].join('; ') }),
          // What the call cost, where it ran queries (hints' and describe_metric's included):
          // AMP bills queries by their samples processed.
          ...(ctx.stats.samplesProcessed === undefined ? {} : { samples_processed: ctx.stats.samplesProcessed }),
        },
        shape,
        budget,
        result.upstreamBytes,
        result.range,
      );
      count = fitted.returned ?? result.count;
      // The gateway hands the model what the function returns, as text, and is not documented
      // to take an error flag from it: a success is the data (toolAnswer), a failure keeps
      // its envelope. The local MCP server asks for the envelope (structuredContent).
      if (toolName !== undefined && !wantsEnvelope(context)) return toolAnswer(fitted.envelope as SuccessEnvelope) as HandlerResult;
      return toResult(shape, 200, fitted.envelope);
    } catch (error) {
      const failure = asAppError(error, context);
      statusCode = failure.statusCode;
      fault = failure.fault;
      const warnings = failure instanceof PrometheusApiError ? failure.warnings : [];
      return toResult(shape, statusCode, {
        status: 'error',
        error: { type: failure.type, message: failure.message },
        ...(warnings.length === 0 ? {} : { warnings }),
      });
    } finally {
      const latencyMs = performance.now() - started;
      record(resolved, statusCode, fault, latencyMs, count, ctx);
    }
  });
  return Object.assign(handler, { operations: names });
}

function route(
  fixed: Operation | undefined,
  byName: ReadonlyMap<string, Operation>,
  names: readonly string[],
  args: Record<string, unknown>,
  toolName: string | undefined,
  tools: ReadonlyMap<string, Tool>,
): { operation: Operation; args: Record<string, unknown> } {
  if (fixed !== undefined) {
    if (toolName !== undefined && toolName !== fixed.name) {
      throw new ValidationError(`this function serves the tool '${fixed.name}', not '${toolName}'`);
    }
    return { operation: fixed, args };
  }
  if (toolName !== undefined && tools.size > 0) return routeTool(byName, args, toolName, tools);
  const { operation: requested, ...rest } = args;
  if (requested !== undefined && typeof requested !== 'string') {
    throw new ValidationError(`field 'operation' must be a string, one of ${names.join(', ')}`);
  }
  if (requested !== undefined && toolName !== undefined && requested !== toolName) {
    throw new ValidationError(`field 'operation' ('${requested}') does not match the tool called ('${toolName}')`);
  }
  const name = requested ?? toolName;
  if (name === undefined) {
    throw new ValidationError(`missing required field 'operation' (one of ${names.join(', ')})`);
  }
  const operation = byName.get(name);
  if (operation === undefined) {
    const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
    throw new ValidationError(`unknown operation '${shown}': use one of ${names.join(', ')}`);
  }
  return { operation, args: rest };
}

/** A tool call: the tool chooses the operation from its arguments. */
function routeTool(
  byName: ReadonlyMap<string, Operation>,
  args: Record<string, unknown>,
  toolName: string,
  tools: ReadonlyMap<string, Tool>,
): { operation: Operation; args: Record<string, unknown> } {
  const tool = tools.get(toolName);
  if (tool === undefined) {
    const shown = toolName.length > 40 ? `${toolName.slice(0, 40)}…` : toolName;
    const instead = replacedBy(toolName);
    throw new ValidationError(`${instead ?? `unknown tool '${shown}'`}: use one of ${[...tools.keys()].join(', ')}`);
  }
  if (args.operation !== undefined) {
    throw new ValidationError(`field 'operation' is for direct invokes: a tool call is routed by its tool ('${toolName}') and arguments`);
  }
  const routed = tool.route(args);
  const operation = byName.get(routed.operation);
  if (operation === undefined) throw new ValidationError(`${toolName} cannot run ${routed.operation} in this function`);
  return { operation, args: routed.args };
}

/**
 * Who calls, for what an agent writes (a silence's createdBy): always `prometheus-tools`
 * first, so that a silence it set can be told from an operator's, then the way in and the
 * gateway's identifiers where it passes them (its target and session), or the function.
 */
export function callerOf(context: Context | undefined, toolName: string | undefined): string {
  const custom = (context?.clientContext?.custom ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof custom[key] === 'string' && custom[key] !== '' ? (custom[key] as string) : undefined);
  if (toolName === undefined) return `prometheus-tools (direct invoke of ${context?.functionName ?? 'a function'})`;
  if (custom.envelope === true) return 'prometheus-tools (local MCP server)';
  const ids = [
    text('bedrockAgentCoreTargetId') && `target ${text('bedrockAgentCoreTargetId')}`,
    text('bedrockAgentCoreSessionId') && `session ${text('bedrockAgentCoreSessionId')}`,
  ].filter(Boolean);
  return `prometheus-tools (AgentCore Gateway${ids.length === 0 ? '' : `, ${ids.join(', ')}`})`;
}

/** The local MCP server's calls ask for the whole envelope, which it returns as structuredContent. */
function wantsEnvelope(context: Context | undefined): boolean {
  return context?.clientContext?.custom?.envelope === true;
}

/** AgentCore Gateway names the tool `<target>___<tool>` in the client context. */
export function gatewayToolName(context: Context | undefined): string | undefined {
  const raw: unknown = context?.clientContext?.custom?.bedrockAgentCoreToolName;
  if (typeof raw !== 'string' || raw === '') return undefined;
  const separator = raw.lastIndexOf('___');
  return separator === -1 ? raw : raw.slice(separator + 3);
}

function deadlineOf(context: Context | undefined): number {
  const remaining =
    typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : DEFAULT_REMAINING_MS;
  return Date.now() + Math.max(0, remaining - RESPONSE_RESERVE_MS);
}

function asAppError(error: unknown, context: Context | undefined): AppError {
  if (error instanceof AppError) {
    // Under `error`: Powertools reserves (and drops) top-level keys such as `message`.
    const reason = { error: { type: error.type, message: error.message } };
    if (error.fault) logger.error('request failed', reason);
    else logger.info('request refused', reason);
    return error;
  }
  const { name, message, stack } = (error ?? {}) as Partial<Error>;
  logger.error('unexpected error', { error: { type: 'internal_error', name, message, stack } });
  return new InternalError(`internal error; the function's logs have the details (request ${context?.awsRequestId ?? 'unknown'})`);
}

function record(
  operation: string | undefined,
  statusCode: number,
  fault: boolean,
  latencyMs: number,
  count: number,
  ctx: OperationContext,
): void {
  metrics.addDimension('operation', operation ?? 'unknown');
  // A second dimension set, per function, for the alarms: every answer is an envelope,
  // so AWS/Lambda Errors counts only crashes, never a 403 or a 5xx from AMP.
  if (FUNCTION_NAME !== undefined) metrics.addDimensions({ function_name: FUNCTION_NAME });
  metrics.addMetric('Requests', MetricUnit.Count, 1);
  metrics.addMetric('Faults', MetricUnit.Count, fault ? 1 : 0);
  metrics.addMetric('Latency', MetricUnit.Milliseconds, latencyMs);
  metrics.addMetric('SeriesReturned', MetricUnit.Count, count);
  metrics.addMetric('UpstreamErrors', MetricUnit.Count, ctx.stats.upstreamErrors);
  metrics.addMetric('Retries', MetricUnit.Count, ctx.stats.retries);
  // What AMP bills queries by; a call that ran no query processed none.
  metrics.addMetric('SamplesProcessed', MetricUnit.Count, ctx.stats.samplesProcessed ?? 0);
  metrics.addMetric('Successes', MetricUnit.Count, statusCode < 400 ? 1 : 0);
  metrics.addMetric('Failures', MetricUnit.Count, statusCode < 400 ? 0 : 1);
  logger.info('request completed', {
    status_code: statusCode,
    latency_ms: Math.round(latencyMs * 10) / 10,
    series: count,
    retries: ctx.stats.retries,
    samples_processed: ctx.stats.samplesProcessed ?? 0,
  });
}

