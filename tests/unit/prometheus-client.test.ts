import { gzipSync } from 'node:zlib';
import {
  AccessDeniedError,
  PrometheusApiError,
  ThrottledError,
  UpstreamError,
  UpstreamTimeoutError,
  WorkspaceNotFoundError,
} from '../../src/shared/errors';
import { MAX_GET_QUERY_LENGTH, PrometheusClient, type CallStats } from '../../src/shared/prometheus-client';
import { TEST_CREDENTIALS } from '../support/credentials';
import { ok, promError, startScriptedServer, type Script } from '../support/scripted-server';
import { verifySigV4 } from '../support/sigv4-verify';

/** The client against a real HTTP server on 127.0.0.1; waits are recorded, not slept. */
async function setup(script: Script[], options: { maxAttempts?: number; maxResponseBytes?: number; sigv4?: boolean } = {}) {
  const server = await startScriptedServer(script);
  const sleeps: number[] = [];
  const client = new PrometheusClient(
    { baseUrl: new URL(`${server.url}/workspaces/ws-x/api/v1`), region: 'us-east-1', sigv4: options.sigv4 ?? true, service: 'aps' },
    {
      maxAttempts: options.maxAttempts ?? 3,
      maxResponseBytes: options.maxResponseBytes ?? 1024 * 1024,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    },
  );
  const stats: CallStats = { retries: 0, upstreamErrors: 0 };
  const call = (params: [string, string][] = [['query', 'up']], deadline = Date.now() + 10_000) =>
    client.call('query', params, { deadline, stats });
  return { server, client, sleeps, stats, call };
}

const vector = { resultType: 'vector', result: [] };
/** The size of `ok(vector)`'s body, which the client reports as `bytes`. */
const VECTOR_BYTES = Buffer.byteLength(JSON.stringify({ status: 'success', data: vector }));
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('PrometheusClient', () => {
  it('asks each query for its stats and adds up the samples it processed, keeping Prometheus\' data without them', async () => {
    const stats = (total: number) => ({ timings: { evalTotalTime: 0.01 }, samples: { totalQueryableSamples: total, peakSamples: 3 } });
    const { server, call, stats: counted } = await setup([ok({ ...vector, stats: stats(1200) }), ok({ ...vector, stats: stats(34) }), ok(vector)]);
    stop = server.stop;
    expect(counted.samplesProcessed).toBeUndefined();
    expect((await call()).data).toEqual(vector);
    expect(counted.samplesProcessed).toBe(1200);
    expect((await call()).data).toEqual(vector);
    expect(counted.samplesProcessed).toBe(1234);
    // An answer without stats adds nothing.
    await call();
    expect(counted.samplesProcessed).toBe(1234);
    expect(server.received.map((r) => new URL(r.url, 'http://x').searchParams.get('stats'))).toEqual(['all', 'all', 'all']);
  });

  it('signs a GET with SigV4 for aps, keeping the path prefix', async () => {
    const { server, call } = await setup([ok(vector)]);
    stop = server.stop;
    await expect(call([['query', 'up'], ['time', '1680307200']])).resolves.toEqual({ data: vector, bytes: VECTOR_BYTES });

    const [request] = server.received;
    expect(request!.method).toBe('GET');
    expect(request!.url).toBe('/workspaces/ws-x/api/v1/query?query=up&time=1680307200&stats=all');
    const error = verifySigV4(
      { method: 'GET', rawUrl: request!.url, headers: request!.headers, body: request!.body },
      TEST_CREDENTIALS,
      { region: 'us-east-1', service: 'aps' },
    );
    expect(error).toBeUndefined();
    // The same request with another secret does not verify: the check is real.
    expect(
      verifySigV4(
        { method: 'GET', rawUrl: request!.url, headers: request!.headers, body: request!.body },
        { ...TEST_CREDENTIALS, secretAccessKey: 'another-secret' },
        { region: 'us-east-1', service: 'aps' },
      ),
    ).toBe('signature does not match');
  });

  it('sends long parameters as a signed POST form', async () => {
    const { server, call } = await setup([ok(vector)]);
    stop = server.stop;
    const query = `up{instance=~"${'a'.repeat(MAX_GET_QUERY_LENGTH)}"}`;
    await call([['query', query]]);

    const [request] = server.received;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/workspaces/ws-x/api/v1/query');
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(request!.body.toString()).get('query')).toBe(query);
    expect(
      verifySigV4({ method: 'POST', rawUrl: request!.url, headers: request!.headers, body: request!.body }, TEST_CREDENTIALS, {
        region: 'us-east-1',
        service: 'aps',
      }),
    ).toBeUndefined();
  });

  it('sends the query string exactly as SigV4 canonicalizes it, so AWS verifies what it receives', async () => {
    const { server, call } = await setup([ok(vector)]);
    stop = server.stop;
    const query = `sum by (job) (rate(x{path="/a+b %c&d=e#f", q='it"s', city="Zürich"}[5m])) * 2\t!*()`;
    await call([['query', query]]);

    const [request] = server.received;
    expect(request!.url).toBe(
      '/workspaces/ws-x/api/v1/query?query=sum%20by%20%28job%29%20%28rate%28x%7Bpath%3D%22%2Fa%2Bb%20%25c%26d%3De%23f%22%2C%20q%3D%27it%22s%27%2C%20city%3D%22Z%C3%BCrich%22%7D%5B5m%5D%29%29%20%2A%202%09%21%2A%28%29&stats=all',
    );
    expect(
      verifySigV4({ method: 'GET', rawUrl: request!.url, headers: request!.headers, body: request!.body }, TEST_CREDENTIALS, {
        region: 'us-east-1',
        service: 'aps',
      }),
    ).toBeUndefined();
    // AWS reads a `+` as a literal plus: the same request with spaces sent as `+` does not verify.
    expect(
      verifySigV4(
        { method: 'GET', rawUrl: request!.url.replace(/%20/g, '+'), headers: request!.headers, body: request!.body },
        TEST_CREDENTIALS,
        { region: 'us-east-1', service: 'aps' },
      ),
    ).toBe('signature does not match');
  });

  it('keeps a GET-only endpoint on GET however long its parameters (AMP serves label values over GET only)', async () => {
    const { server, client } = await setup([ok(['a'])]);
    stop = server.stop;
    const match = `{instance=~"${'a'.repeat(MAX_GET_QUERY_LENGTH)}"}`;
    await client.call('label/__name__/values', [['match[]', match]], { deadline: Date.now() + 10_000, stats: { retries: 0, upstreamErrors: 0 } });
    expect(server.received[0]!.method).toBe('GET');
    expect(new URL(server.received[0]!.url, 'http://x').searchParams.get('match[]')).toBe(match);
  });

  it('names the cause of a 405, 413 or 414 instead of blaming the query', async () => {
    const { server, call } = await setup([{ status: 414, body: 'URI Too Long' }]);
    stop = server.stop;
    await expect(call()).rejects.toThrow(
      'the URL of the request to query is too long for Prometheus (HTTP 414 URI Too Long): shorten the match selector or query',
    );
  });

  it('sends no signature when SigV4 is off', async () => {
    const { server, call } = await setup([ok(vector)], { sigv4: false });
    stop = server.stop;
    await call();
    expect(server.received[0]!.headers.authorization).toBeUndefined();
  });

  it('reads a gzipped answer and keeps warnings and infos', async () => {
    const json = JSON.stringify({ status: 'success', data: vector, warnings: ['w1'], infos: ['i1'] });
    const { server, call } = await setup([{ status: 200, headers: { 'content-encoding': 'gzip' }, body: gzipSync(json) }]);
    stop = server.stop;
    // `bytes` is the size after gunzip: what was parsed.
    await expect(call()).resolves.toEqual({ data: vector, bytes: Buffer.byteLength(json), warnings: ['w1'], infos: ['i1'] });
  });

  it('retries 5xx with exponential backoff and jitter, then succeeds', async () => {
    const { server, call, sleeps, stats } = await setup([{ status: 503, body: 'busy' }, { status: 502 }, ok(vector)]);
    stop = server.stop;
    await expect(call()).resolves.toEqual({ data: vector, bytes: VECTOR_BYTES });
    expect(server.received).toHaveLength(3);
    // random() = 0.5: half of 100 ms, then half of 200 ms.
    expect(sleeps).toEqual([50, 100]);
    expect(stats).toEqual({ retries: 2, upstreamErrors: 2 });
  });

  it('honours Retry-After on 429 and gives up after the last attempt', async () => {
    const { server, call, sleeps } = await setup([{ status: 429, headers: { 'retry-after': '2' }, body: '{"message":"Rate exceeded"}' }]);
    stop = server.stop;
    const result = call();
    await expect(result).rejects.toThrow(ThrottledError);
    await expect(result).rejects.toThrow('Prometheus throttled the request (after 3 attempts): Rate exceeded');
    expect(server.received).toHaveLength(3);
    expect(sleeps).toEqual([2000, 2000]);
  });

  it('stops retrying when the wait would pass the deadline', async () => {
    const { server, call } = await setup([{ status: 429, headers: { 'retry-after': '60' } }]);
    stop = server.stop;
    await expect(call([['query', 'up']], Date.now() + 5000)).rejects.toThrow(
      "(after 1 attempt; the next retry (in 60000 ms) would pass the function's deadline)",
    );
    expect(server.received).toHaveLength(1);
  });

  it('retries a reset connection', async () => {
    const { server, call, stats } = await setup(['reset', ok(vector)]);
    stop = server.stop;
    await expect(call()).resolves.toEqual({ data: vector, bytes: VECTOR_BYTES });
    expect(stats.retries).toBe(1);
  });

  it('reports an unreachable server after its attempts', async () => {
    const { server, call } = await setup([ok(vector)]);
    await server.stop();
    await expect(call()).rejects.toThrow(new UpstreamError('could not reach Prometheus: ECONNREFUSED (after 3 attempts)'));
  });

  it('never retries other 4xx, and keeps Prometheus error type and message', async () => {
    const { server, call } = await setup([promError(400, 'bad_data', 'invalid parameter "query": 1:4: parse error')]);
    stop = server.stop;
    const result = call();
    await expect(result).rejects.toThrow(PrometheusApiError);
    await expect(result).rejects.toMatchObject({
      statusCode: 400,
      type: 'bad_data',
      message: 'invalid parameter "query": 1:4: parse error',
    });
    expect(server.received).toHaveLength(1);
  });

  it.each([
    [promError(422, 'execution', 'many-to-many matching not allowed'), 400, 'execution', 1],
    // Prometheus' own errors are never retried, whatever the status: they would answer the same, at the same cost.
    [promError(503, 'timeout', 'query timed out in expression evaluation'), 504, 'timeout', 1],
    [promError(503, 'canceled', 'query was canceled'), 502, 'canceled', 1],
    [promError(500, 'internal', 'unexpected error'), 502, 'internal', 1],
    [{ status: 405, body: '{"message":"Method Not Allowed"}' }, 502, 'upstream_error', 1],
    [{ status: 413, body: 'Payload Too Large' }, 502, 'upstream_error', 1],
    [{ status: 414, body: 'URI Too Long' }, 502, 'upstream_error', 1],
    [{ status: 403, body: '{"message":"not authorized"}' }, 403, 'access_denied', 1],
    [{ status: 404, body: '{"message":"Workspace not found"}' }, 404, 'workspace_not_found', 1],
    [{ status: 500, body: '<html>oops</html>' }, 502, 'upstream_error', 3],
  ] as const)('maps %j to %d %s after %d attempt(s)', async (script, status, type, attempts) => {
    const { server, call } = await setup([script]);
    stop = server.stop;
    await expect(call()).rejects.toMatchObject({ statusCode: status, type });
    expect(server.received).toHaveLength(attempts);
  });

  it('gives up with a 504 at the deadline instead of waiting on', async () => {
    const { server, call } = await setup([{ ...(ok(vector) as object), delayMs: 2000 } as Script]);
    stop = server.stop;
    const started = Date.now();
    await expect(call([['query', 'up']], Date.now() + 300)).rejects.toThrow(UpstreamTimeoutError);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('refuses an answer that is not a Prometheus response', async () => {
    const { server, call } = await setup([{ status: 200, body: '{"status":"succ' }]);
    stop = server.stop;
    await expect(call()).rejects.toThrow(new UpstreamError('Prometheus answered query with a body that is not a Prometheus API response'));
  });

  it('reads a query answer larger than the limit as a stream, keeping the whole series that fit and counting the rest', async () => {
    const series = (i: number) => ({ metric: { pod: `api-${i}` }, value: [1680307200, 'x'.repeat(300)] });
    const result = Array.from({ length: 10 }, (_, i) => series(i));
    const { server, call } = await setup([ok({ resultType: 'vector', result })], { maxResponseBytes: 1024 });
    stop = server.stop;
    const answer = await call();
    // Each series is 345 bytes, a comma after each: two fit in 1,024.
    expect(answer).toEqual({ data: { resultType: 'vector', result: result.slice(0, 2) }, bytes: Buffer.byteLength(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } })), cut: { total: 10, kept: 2 } });
  });

  it('refuses a query answer whose rest, outside its series, is larger than the limit', async () => {
    const { server, call } = await setup([ok({ resultType: 'vector', result: [] }, { warnings: ['w'.repeat(5000)] })], { maxResponseBytes: 1024 });
    stop = server.stop;
    await expect(call()).rejects.toThrow('the Prometheus answer is larger than 1024 bytes');
  });

  it('refuses an answer larger than the limit where it has no array to cut (metadata, rules, alerts)', async () => {
    const { server, client } = await setup([ok({ up: [{ type: 'gauge', help: 'x'.repeat(5000), unit: '' }] })], { maxResponseBytes: 1024 });
    stop = server.stop;
    await expect(client.call('metadata', [], { deadline: Date.now() + 10_000, stats: { retries: 0, upstreamErrors: 0 } })).rejects.toThrow(
      'the Prometheus answer is larger than 1024 bytes',
    );
  });

  it('maps 401 to access denied and keeps AMP messages short', async () => {
    const { server, call } = await setup([{ status: 401, body: 'x'.repeat(1000) }]);
    stop = server.stop;
    const error = (await call().catch((e: unknown) => e)) as AccessDeniedError;
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.message).toBe(`Prometheus refused the request (HTTP 401): ${'x'.repeat(300)}…`);
  });

  it('keeps 404 as workspace not found', async () => {
    const { server, call } = await setup([{ status: 404, body: '' }]);
    stop = server.stop;
    await expect(call()).rejects.toThrow(WorkspaceNotFoundError);
  });
});
