import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { loadHandler } from '../support/harness';

/**
 * The EMF records the alarms read: every invocation in Lambda publishes Requests and
 * Faults under the dimension set {service, function_name} (the alarms' exact
 * dimensions in template.yaml), besides the per-operation set.
 */

interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

async function emfOf(args: Record<string, unknown>, env: Record<string, string> = {}): Promise<Emf[]> {
  const handler = await loadHandler('query', {
    POWERTOOLS_METRICS_DISABLED: 'false',
    POWERTOOLS_SERVICE_NAME: 'my-stack',
    POWERTOOLS_METRICS_NAMESPACE: 'PrometheusTools',
    AWS_LAMBDA_FUNCTION_NAME: 'my-stack-QueryFunction-AbC123',
    // Nothing listens on port 1: every call fails upstream (a fault).
    PROMETHEUS_URL: 'http://127.0.0.1:1',
    PROMETHEUS_SIGV4: 'false',
    PROMETHEUS_MAX_ATTEMPTS: '1',
    ...env,
  });
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  try {
    await handler(args, lambdaContext({ functionName: 'my-stack-QueryFunction-AbC123' }));
  } finally {
    spy.mockRestore();
  }
  return lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Emf);
}

/** An AMP that refuses every request as IAM does when the role lacks the action. */
let iamRefusing: http.Server;
beforeAll(async () => {
  iamRefusing = http.createServer((_req, res) => {
    res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
    res.end(JSON.stringify({ message: 'User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: aps:QueryMetrics' }));
  });
  await new Promise<void>((resolve) => iamRefusing.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => iamRefusing.close(() => resolve())));
const refusingUrl = () => `http://127.0.0.1:${(iamRefusing.address() as AddressInfo).port}`;

const OTHER_WORKSPACE = 'ws-99999999-abcd-1234-efgh-123456789012';

it.each([
  ['an upstream failure', { query: 'up' }, {}, 1],
  ['a refusal of bad input', { query: 'up', time: 'yesterday' }, {}, 0],
  // The caller's mistake (a hallucinated workspace or region): refused with a 403, not a fault.
  ['a workspace outside the allow-list', { query: 'up', workspace_id: OTHER_WORKSPACE }, { ALLOWED_WORKSPACE_IDS: 'ws-12345678-abcd-1234-efgh-123456789012' }, 0],
  ['a region outside ALLOWED_REGIONS', { query: 'up', region: 'eu-west-1' }, { ALLOWED_REGIONS: 'us-east-1' }, 0],
  // The deployment's: its role may not do what the function does.
  ['AMP refusing the role (IAM)', { query: 'up' }, { PROMETHEUS_URL: 'refusing' }, 1],
] as const)('%s: Requests and Faults per function, besides per operation', async (_, args, env, faults) => {
  const operation = 'query';
  const resolvedEnv: Record<string, string> = { ...env };
  if (resolvedEnv.PROMETHEUS_URL === 'refusing') resolvedEnv.PROMETHEUS_URL = refusingUrl();
  const records = await emfOf(args, resolvedEnv);
  expect(records).toHaveLength(1);
  const [record] = records;
  const [directive] = record!._aws.CloudWatchMetrics;
  expect(directive!.Namespace).toBe('PrometheusTools');
  expect(directive!.Dimensions).toEqual(expect.arrayContaining([['service', 'function_name'], expect.arrayContaining(['service', 'operation'])]));
  expect(directive!.Metrics.map((m) => m.Name)).toEqual(expect.arrayContaining(['Requests', 'Faults', 'Failures']));
  expect(record).toMatchObject({ service: 'my-stack', function_name: 'my-stack-QueryFunction-AbC123', operation, Requests: 1, Faults: faults, Failures: 1 });
});

it('publishes the samples a query processed (SamplesProcessed, what AMP bills), from its stats', async () => {
  const answering = http.createServer((req, res) => {
    const asked = new URL(req.url!, 'http://x').searchParams.get('stats');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [], ...(asked === 'all' ? { stats: { samples: { totalQueryableSamples: 4321 } } } : {}) } }));
  });
  await new Promise<void>((resolve) => answering.listen(0, '127.0.0.1', resolve));
  try {
    const [record] = await emfOf({ query: 'up{job="x"}' }, { PROMETHEUS_URL: `http://127.0.0.1:${(answering.address() as AddressInfo).port}` });
    expect(record!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name)).toContain('SamplesProcessed');
    expect(record).toMatchObject({ function_name: 'my-stack-QueryFunction-AbC123', operation: 'query', SamplesProcessed: 4321 });
  } finally {
    await new Promise<void>((resolve) => answering.close(() => resolve()));
  }
});
