import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
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
export const tracer = new Tracer({ serviceName });

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
    const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const segment = parent?.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
    if (segment !== undefined) {
      tracer.setSegment(segment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
    }
    try {
      return await handler(event, context);
    } finally {
      if (segment !== undefined && parent !== undefined) {
        segment.close();
        tracer.setSegment(parent);
      }
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
