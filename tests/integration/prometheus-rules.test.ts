import { lambdaContext } from '../../scripts/lib/lambda-context';
import { FIXTURE_START } from '../fixtures/dataset';
import { T0, UP_AT_T0_SAMPLES } from '../fixtures/expected';
import { TEST_REGION } from '../support/credentials';
import { envelopeOf, loadHandler, useHarness } from '../support/harness';

/**
 * Limits applied as Prometheus and AWS apply them: the points guard is Prometheus'
 * own rule, and a region the deployment may not reach is refused before any call.
 */

const harness = useHarness({ ALLOWED_REGIONS: TEST_REGION });
afterEach(() => {
  for (const request of harness.front.requests) expect(request.signatureError).toBeUndefined();
});

describe("the points guard is Prometheus' rule: (end - start) / step may not exceed 11,000", () => {
  it('lets 11,001 points through, and Prometheus answers them', async () => {
    const handler = await harness.handler('range-query');
    const result = envelopeOf(await handler({ query: 'sum(up)', start: FIXTURE_START, end: FIXTURE_START + 11_000, step: 1 }, lambdaContext()));
    expect(result.status).toBe('success');
    expect(result.data.result[0].values).toHaveLength(11_001);
    expect(harness.front.requests).toHaveLength(1);
  });

  it('refuses 11,002 points before any call', async () => {
    const handler = await harness.handler('range-query');
    const result = envelopeOf(await handler({ query: 'sum(up)', start: FIXTURE_START, end: FIXTURE_START + 11_001, step: 1 }, lambdaContext()));
    expect(result.error).toEqual({
      type: 'validation_error',
      message: "the range would return 11002 points per series, more than Prometheus' limit of 11001: use a step of at least 2s or a shorter range",
    });
    expect(harness.front.requests).toHaveLength(0);
  });
});

describe('regions', () => {
  it.each(['query', 'range-query', 'list-metrics', 'server-info', 'integration'] as const)(
    '%s refuses a region outside ALLOWED_REGIONS with a 403 before any call',
    async (name) => {
      const handler = await harness.handler(name);
      const args = {
        query: { query: 'up' },
        'range-query': { query: 'up', start: T0, end: T0, step: 60 },
        'list-metrics': {},
        'server-info': {},
        integration: { operation: 'server_info' },
      }[name];
      const result = (await handler({ body: { ...args, region: 'eu-west-1' } }, lambdaContext())) as { statusCode: number; body: string };
      expect(result.statusCode).toBe(403);
      expect(JSON.parse(result.body).error).toEqual({
        type: 'access_denied',
        message: `region eu-west-1 is not one this deployment may query (ALLOWED_REGIONS: ${TEST_REGION}); omit region to use the default`,
      });
      expect(harness.front.requests).toHaveLength(0);
    },
  );

  it('serves its own region', async () => {
    const handler = await harness.handler('query');
    const result = envelopeOf(await handler({ query: 'sum(up)', time: T0, region: TEST_REGION }, lambdaContext()));
    expect(result).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] }, samples_processed: UP_AT_T0_SAMPLES });
  });
});

describe('a Prometheus without SigV4 (PROMETHEUS_SIGV4=false)', () => {
  it('needs no region: nothing is signed', async () => {
    const env = { PROMETHEUS_URL: process.env.LOCAL_PROMETHEUS_URL, PROMETHEUS_SIGV4: 'false', AWS_REGION: undefined, ALLOWED_REGIONS: undefined };
    const query = await loadHandler('query', env);
    expect(envelopeOf(await query({ query: 'sum(up)', time: T0 }, lambdaContext()))).toEqual({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] },
      samples_processed: UP_AT_T0_SAMPLES,
    });
    const info = envelopeOf(await (await loadHandler('server-info', env))({}, lambdaContext()));
    expect(info.data).not.toHaveProperty('region');
    expect(info.data.reachability.reachable).toBe(true);
  });
});
