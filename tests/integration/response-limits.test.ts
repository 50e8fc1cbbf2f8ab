import { lambdaContext } from '../../scripts/lib/lambda-context';
import { LAMBDA_RESPONSE_LIMIT_BYTES, envelopeOf, useHarness } from '../support/harness';

/**
 * Every answer fits Lambda's 6 MB response limit, whatever the operation and options:
 * here list_metrics with include_metadata over 50,000 metrics (8.6 MB before the fix).
 * The harness itself fails any call whose response is over the limit.
 */

const harness = useHarness();

const METRICS = Array.from({ length: 50_000 }, (_, i) => `app_metric_${String(i).padStart(5, '0')}_total`);
const HELP = 'Requests handled by this part of the application, by handler, method and status code.';

beforeEach(() => {
  harness.front.fault = (req, res) => {
    const data =
      req.endpoint === 'metadata'
        ? Object.fromEntries(METRICS.map((name) => [name, [{ type: 'counter', help: HELP, unit: '' }]]))
        : METRICS;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data }));
    return true;
  };
});

it.each(['flat', 'body'] as const)('list_metrics with metadata for 50,000 metrics fits, cut with its metadata (%s event)', async (shape) => {
  const handler = await harness.handler('list-metrics');
  const args = { include_metadata: true };
  const result = await handler(shape === 'flat' ? args : { body: args }, lambdaContext());
  expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT_BYTES);

  const envelope = envelopeOf(result) as { status: string; truncated?: boolean; note?: string; data: { metrics: string[]; total: number; truncated: boolean; metadata: Record<string, unknown> } };
  expect(envelope.status).toBe('success');
  expect(envelope.truncated).toBe(true);
  expect(envelope.data.total).toBe(50_000);
  expect(envelope.data.truncated).toBe(true);
  const kept = envelope.data.metrics.length;
  expect(kept).toBeGreaterThan(10_000);
  expect(kept).toBeLessThan(50_000);
  expect(envelope.data.metrics).toEqual(METRICS.slice(0, kept));
  // The metadata of exactly the names kept, no more.
  expect(Object.keys(envelope.data.metadata)).toEqual(METRICS.slice(0, kept));
  expect(envelope.note).toContain(`returned ${kept} of 50000 metric names`);
});
