import type { Context } from 'aws-lambda';

/**
 * A Lambda Context for tests; `toolName` makes it a tool call: the local MCP server's, which
 * asks for the whole envelope, or with `gateway` exactly as AgentCore Gateway makes it,
 * whose answer is what the model reads (the data alone on success).
 */
export function lambdaContext(options: { remainingMs?: number; toolName?: string; functionName?: string; gateway?: boolean } = {}): Context {
  const functionName = options.functionName ?? 'prometheus-query';
  const deadline = Date.now() + (options.remainingMs ?? 30_000);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2023/04/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...(options.toolName === undefined
      ? {}
      : {
          clientContext: {
            client: {} as never,
            env: {} as never,
            custom: { bedrockAgentCoreToolName: `prometheus-target___${options.toolName}`, ...(options.gateway === true ? {} : { envelope: true }) },
          },
        }),
  };
}
