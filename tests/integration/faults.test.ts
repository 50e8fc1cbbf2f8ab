import type http from 'node:http';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { T0, UP_AT_T0_SAMPLES } from '../fixtures/expected';
import type { RecordedRequest } from '../support/amp-front';
import { envelopeOf, useHarness } from '../support/harness';

/**
 * Fault injection through the AMP-like front (which still checks every signature):
 * the upstream misbehaves, and each test asserts exactly what the function does.
 */

const harness = useHarness();

// The retried query's cost is that of the one answer: a failed attempt processed nothing.
const SUM_UP = { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] }, samples_processed: UP_AT_T0_SAMPLES };
const query = async (remainingMs = 30_000) => (await harness.handler('query'))({ query: 'sum(up)', time: T0 }, lambdaContext({ remainingMs }));

/** The first `times` requests get `answer`; the rest reach Prometheus. */
function failFirst(times: number, answer: (res: http.ServerResponse, req: RecordedRequest) => void): void {
  let seen = 0;
  harness.front.fault = (req, res) => {
    if (seen++ >= times) return false;
    answer(res, req);
    return true;
  };
}

const reply = (status: number, body: string, headers: Record<string, string> = {}) => (res: http.ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};

const attempts = () => harness.front.requests.filter((r) => r.endpoint === 'query').length;

describe('transient faults are retried, then succeed', () => {
  it.each([500, 502, 503, 504])('HTTP %d twice, then the answer', async (status) => {
    failFirst(2, reply(status, '{"message":"try again"}'));
    expect(await query()).toEqual(SUM_UP);
    expect(attempts()).toBe(3);
  });

  it('429 with Retry-After: waits as told, then the answer', async () => {
    failFirst(1, reply(429, '{"message":"Rate exceeded"}', { 'retry-after': '1' }));
    const started = Date.now();
    expect(await query()).toEqual(SUM_UP);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(attempts()).toBe(2);
  });

  it('429 without Retry-After: backs off, then the answer', async () => {
    failFirst(2, reply(429, '{"message":"Rate exceeded"}'));
    expect(await query()).toEqual(SUM_UP);
    expect(attempts()).toBe(3);
  });

  it('a reset connection, then the answer', async () => {
    failFirst(1, (res) => res.socket?.destroy());
    expect(await query()).toEqual(SUM_UP);
    expect(attempts()).toBe(2);
  });
});

describe('attempts are bounded', () => {
  it('503 every time: three attempts, then a 502 that says so', async () => {
    failFirst(Infinity, reply(503, '{"message":"Service Unavailable"}'));
    expect(await query()).toEqual({
      status: 'error',
      error: { type: 'upstream_error', message: 'Prometheus answered HTTP 503 (after 3 attempts): Service Unavailable' },
    });
    expect(attempts()).toBe(3);
  });

  it('429 every time: a 429 after three attempts', async () => {
    failFirst(Infinity, reply(429, '{"message":"Rate exceeded"}'));
    expect(await query()).toEqual({
      status: 'error',
      error: { type: 'throttled', message: 'Prometheus throttled the request (after 3 attempts): Rate exceeded' },
    });
    expect(attempts()).toBe(3);
  });

  it.each([
    [400, '{"message":"Bad request"}', 'bad_data', 'HTTP 400: Bad request'],
    [403, '{"message":"User is not authorized"}', 'access_denied', 'Prometheus refused the request (HTTP 403): User is not authorized'],
    [404, '{"message":"Not found"}', 'workspace_not_found', 'Prometheus answered HTTP 404: Not found; check the workspace ID and region (or PROMETHEUS_URL)'],
    // Refusals of the request's form name their cause: never bad_data, which blames the query.
    [405, '{"message":"Method Not Allowed"}', 'upstream_error', 'Prometheus does not accept GET on query (HTTP 405 Method Not Allowed): Method Not Allowed'],
    [413, 'Payload Too Large', 'upstream_error', 'the request to query is too large for Prometheus (HTTP 413 Payload Too Large): shorten the query'],
    [414, 'URI Too Long', 'upstream_error', 'the URL of the request to query is too long for Prometheus (HTTP 414 URI Too Long): shorten the match selector or query'],
  ])('never retries HTTP %d', async (status, body, type, message) => {
    failFirst(Infinity, reply(status, body));
    expect(await query()).toEqual({ status: 'error', error: { type, message } });
    expect(attempts()).toBe(1);
  });
});

describe("Prometheus' own errors keep their type and message, and are never retried", () => {
  it.each([
    [400, 'bad_data', 'invalid parameter "query": 1:5: parse error: unexpected end of input', 400],
    [422, 'execution', 'found duplicate series for the match group', 400],
    [503, 'timeout', 'query timed out in expression evaluation', 504],
    [503, 'canceled', 'query was canceled in query queue', 502],
  ])('HTTP %d %s', async (httpStatus, errorType, error, statusCode) => {
    failFirst(Infinity, reply(httpStatus, JSON.stringify({ status: 'error', errorType, error })));
    const handler = await harness.handler('query');
    const result = (await handler({ body: { query: 'sum(up)', time: T0 } }, lambdaContext())) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(statusCode);
    expect(JSON.parse(result.body)).toEqual({ status: 'error', error: { type: errorType, message: error } });
    expect(attempts()).toBe(1);
  });
});

it('answers a refusal for too many samples with a concrete narrower query: an aggregation, the top series, a larger step', async () => {
  const TOO_MANY = 'query processing would load too many samples into memory in query execution';
  harness.front.fault = (req, res) => {
    if (req.endpoint !== 'query_range') return false;
    reply(422, JSON.stringify({ status: 'error', errorType: 'execution', error: TOO_MANY }))(res);
    return true;
  };
  const handler = await harness.handler('range-query');
  const query = 'rate(http_requests_total[5m])';
  expect(await handler({ query, start: T0 - 3600, end: T0, step: 60 }, lambdaContext())).toEqual({
    status: 'error',
    error: {
      type: 'execution',
      message: `${TOO_MANY}: ask for less: aggregate (sum by (job) (${query})), keep the largest (topk(10, ${query})), add matchers, or step 4m instead of 1m`,
    },
  });
});

it("keeps Prometheus' warnings on an error answer", async () => {
  const warnings = ['PromQL info: metric might not be a counter, name does not end in _total'];
  failFirst(Infinity, reply(422, JSON.stringify({ status: 'error', errorType: 'execution', error: 'vector cannot contain metrics with the same labelset', warnings })));
  expect(await query()).toEqual({
    status: 'error',
    error: { type: 'execution', message: 'vector cannot contain metrics with the same labelset' },
    warnings,
  });
});

describe('broken answers', () => {
  it('malformed JSON: a 502, not retried, not a crash', async () => {
    failFirst(Infinity, reply(200, '{"status":"success","data":{"resultType":"vec'));
    expect(await query()).toEqual({
      status: 'error',
      error: { type: 'upstream_error', message: 'Prometheus answered query with a body that is not a Prometheus API response' },
    });
    expect(attempts()).toBe(1);
  });

  it('an answer slower than the time left: gives up with a 504 before the deadline', async () => {
    harness.front.fault = (_req, res) => {
      const timer = setTimeout(reply(200, JSON.stringify(SUM_UP)), 5_000, res);
      res.on('close', () => clearTimeout(timer));
      return true;
    };
    const started = Date.now();
    const result = await query(1_500);
    const took = Date.now() - started;
    expect(result).toEqual({
      status: 'error',
      error: {
        type: 'upstream_timeout',
        message:
          "Prometheus did not answer before the function's deadline (1 attempt); narrow the query (shorter range, larger step, fewer series) or raise the timeout",
      },
    });
    // The function keeps time to answer: it stops 500 ms before its deadline.
    expect(took).toBeLessThan(1_500);
    expect(took).toBeGreaterThanOrEqual(900);
  });

  it('an answer larger than the 6 MB Lambda limit: every series at a larger step, with the flag, never a Lambda error', async () => {
    const series = Array.from({ length: 4000 }, (_, i) => ({
      metric: { __name__: 'big', instance: `host-${i}` },
      values: Array.from({ length: 100 }, (_, p) => [T0 + p * 15, String(i + p)]),
    }));
    const body = JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: series } });
    expect(body.length).toBeGreaterThan(8_000_000);
    failFirst(Infinity, reply(200, body));

    const handler = await harness.handler('range-query');
    const result = (await handler({ body: { query: 'big', start: T0, end: T0 + 1485, step: 15 } }, lambdaContext())) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(6_000_000);
    const envelope = envelopeOf(result);
    expect(envelope.status).toBe('success');
    expect((envelope as { truncated?: boolean }).truncated).toBe(true);
    // Fewer points rather than fewer series: every 2nd point is what Prometheus answers for step 30.
    const result0 = envelope.data.result as { metric: unknown; values: unknown[] }[];
    expect(result0).toHaveLength(4000);
    expect(result0[3999]).toEqual({ metric: series[3999]!.metric, values: series[3999]!.values.filter((_, p) => p % 2 === 0) });
    expect(result0.filter((s) => s.values.length !== 50 || (s.values[49] as [number, string])[0] !== T0 + 98 * 15)).toEqual([]);
    expect((envelope as { note?: string }).note).toBe(
      'the complete answer (about 8.2 MB from Prometheus) is larger than the 6.0 MB response budget: step 15s → 30s (every 2nd point, as Prometheus answers that step)',
    );
  });
});
