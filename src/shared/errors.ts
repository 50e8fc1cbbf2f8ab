/**
 * Named errors raised anywhere in the core. Each carries the HTTP status and the
 * machine-readable `type` of the error envelope; they are turned into responses
 * only at the handler's edge (responses.ts).
 */
export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  abstract readonly type: string;

  /**
   * Whether the failure is the deployment's or the upstream's (a fault, which the alarms
   * count), not the caller's input: by default a 403 (IAM, SigV4), a 429 or a 5xx.
   */
  get fault(): boolean {
    return this.statusCode === 403 || this.statusCode === 429 || this.statusCode >= 500;
  }
}

/** Bad input: a missing or wrongly typed field, malformed JSON, a bad time or step. */
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  readonly statusCode = 400;
  readonly type = 'validation_error';
}

/** A string parameter contains one of the blocked patterns. */
export class BlockedPatternError extends AppError {
  override readonly name = 'BlockedPatternError';
  readonly statusCode = 400;
  readonly type = 'blocked_pattern';
  constructor(
    readonly field: string,
    readonly pattern: string,
  ) {
    super(`field '${field}' contains the blocked pattern '${pattern}'`);
  }
}

/** The query (or series selector) is not valid PromQL. */
export class PromQLSyntaxError extends AppError {
  override readonly name = 'PromQLSyntaxError';
  readonly statusCode = 400;
  readonly type = 'invalid_promql';
}

/**
 * The target does not serve what was asked: CloudWatch PromQL has no rules, alerts or
 * metadata API. The message names the alternative; the caller's choice, not a fault.
 */
export class NotSupportedError extends AppError {
  override readonly name = 'NotSupportedError';
  readonly statusCode = 400;
  readonly type = 'not_supported';
}

/**
 * CloudWatch refused the request under one of its PromQL limits (HTTP 422: requests per
 * second, the 30-day span, the 24-hour range selector, series or samples scanned per 24 h, the 20 s execution time).
 * Not retried: the same request meets the same limit; the message says what to narrow.
 */
export class LimitExceededError extends AppError {
  override readonly name = 'LimitExceededError';
  readonly statusCode = 422;
  readonly type = 'limit_exceeded';
}

/** The function may not use this workspace: IAM or SigV4 refused it (a fault of the deployment). */
export class AccessDeniedError extends AppError {
  override readonly name: string = 'AccessDeniedError';
  readonly statusCode = 403;
  readonly type = 'access_denied';
}

/**
 * The caller named a workspace or region outside the deployment's allow-list, refused
 * before any call: the same 403 for the caller, but the caller's mistake (an agent's
 * hallucinated workspace_id), not a fault the alarms should count.
 */
export class NotAllowedError extends AccessDeniedError {
  override readonly name = 'NotAllowedError';
  override get fault(): boolean {
    return false;
  }
}

/**
 * No Alertmanager to ask: an AMP workspace without an alert manager definition (AMP answers
 * 404 on its Alertmanager paths), or PROMETHEUS_URL without ALERTMANAGER_URL. The message
 * says how to get one; the deployment's state, not a fault.
 */
export class NoAlertmanagerError extends AppError {
  override readonly name = 'NoAlertmanagerError';
  readonly statusCode = 404;
  readonly type = 'no_alertmanager';
  override get fault(): boolean {
    return false;
  }
}

/** A silence that does not exist (an ID the Alertmanager does not know). */
export class SilenceNotFoundError extends AppError {
  override readonly name = 'SilenceNotFoundError';
  readonly statusCode = 404;
  readonly type = 'silence_not_found';
}

export class WorkspaceNotFoundError extends AppError {
  override readonly name = 'WorkspaceNotFoundError';
  readonly statusCode = 404;
  readonly type = 'workspace_not_found';
}

/** The workspace exists but cannot serve queries (CREATING, DELETING, CREATION_FAILED). */
export class WorkspaceNotActiveError extends AppError {
  override readonly name = 'WorkspaceNotActiveError';
  readonly statusCode = 404;
  readonly type = 'workspace_not_active';
}

/** The function cannot work as deployed: no credentials to sign with, for example. */
export class ConfigurationError extends AppError {
  override readonly name = 'ConfigurationError';
  readonly statusCode = 500;
  readonly type = 'configuration_error';
}

/** A failure the core did not expect: its details go to the logs, not to the caller. */
export class InternalError extends AppError {
  override readonly name = 'InternalError';
  readonly statusCode = 500;
  readonly type = 'internal_error';
}

/** Still throttled once the retries are spent. */
export class ThrottledError extends AppError {
  override readonly name = 'ThrottledError';
  readonly statusCode = 429;
  readonly type = 'throttled';
}

/** The upstream failed: 5xx after retries, a reset connection, a malformed answer. */
export class UpstreamError extends AppError {
  override readonly name = 'UpstreamError';
  readonly statusCode = 502;
  readonly type = 'upstream_error';
}

/** No answer before the function's deadline. */
export class UpstreamTimeoutError extends AppError {
  override readonly name = 'UpstreamTimeoutError';
  readonly statusCode = 504;
  readonly type = 'upstream_timeout';
}

/**
 * Prometheus answered `{"status":"error"}`: its `errorType` and message are kept as
 * they are. The status follows what the error means for the caller: the query's
 * fault (`bad_data`, `execution`) is a 400, a query timeout a 504, anything else a 502.
 */
export class PrometheusApiError extends AppError {
  override readonly name = 'PrometheusApiError';
  readonly statusCode: number;
  readonly type: string;
  constructor(
    errorType: string,
    message: string,
    readonly upstreamStatus: number,
    readonly warnings: string[] = [],
  ) {
    super(message);
    this.type = errorType;
    this.statusCode = PrometheusApiError.statusFor(errorType, upstreamStatus);
  }

  static statusFor(errorType: string, upstreamStatus: number): number {
    if (errorType === 'bad_data' || errorType === 'execution') return 400;
    if (errorType === 'timeout') return 504;
    if (upstreamStatus === 403) return 403;
    if (upstreamStatus === 404) return 404;
    if (upstreamStatus === 429) return 429;
    return 502;
  }
}
