import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';

/**
 * One Powertools setup for every handler: JSON logs with correlation ids, EMF metrics
 * per operation, X-Ray traces (the Tracer patches node:http/https, so every Prometheus
 * call is a subsegment). `instrument` is the one wrapper every handler goes through.
 */

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'prometheus-tools';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'PrometheusTools',
});
/**
 * The Tracer and the X-Ray SDK under it are a fifth of the bundle's load time: loaded
 * only where traces go somewhere, in Lambda with active tracing (Lambda then sets
 * AWS_XRAY_DAEMON_ADDRESS), unless POWERTOOLS_TRACE_ENABLED=false.
 */
export const tracer: Tracer | undefined =
  process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined &&
  process.env.AWS_XRAY_DAEMON_ADDRESS !== undefined &&
  process.env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false'
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      new (require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer')).Tracer({ serviceName })
    : undefined;

export { MetricUnit };

export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * Wraps a handler: Lambda context in the logs, a cold-start metric, a `## handler`
 * subsegment, and after each invocation the metrics flushed and the per-request log
 * keys cleared (Powertools' `clearState`/`resetKeys`).
 */
export function instrument<E, R>(handler: LambdaHandler<E, R>): LambdaHandler<E, R> {
  return async (event, context) => {
    logger.addContext(context);
    metrics.captureColdStartMetric();
    const parent = tracer?.isTracingEnabled() === true ? tracer.getSegment() : undefined;
    const segment = parent?.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
    if (tracer !== undefined && segment !== undefined) {
      tracer.setSegment(segment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
    }
    try {
      return await handler(event, context);
    } finally {
      if (tracer !== undefined && segment !== undefined && parent !== undefined) {
        segment.close();
        tracer.setSegment(parent);
      }
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
