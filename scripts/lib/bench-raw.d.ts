/** Types of bench-raw.js, which the worker processes load as plain CommonJS. */
export function raw(url: string): Promise<unknown>;
export function rawUrl(baseUrl: string, event: Record<string, unknown>): string;
export function lambdaContext(timeoutMs: number, name?: string): import('aws-lambda').Context;
