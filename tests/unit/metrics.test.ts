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

async function emfOf(args: Record<string, unknown>): Promise<Emf[]> {
  const handler = await loadHandler('query', {
    POWERTOOLS_METRICS_DISABLED: 'false',
    POWERTOOLS_SERVICE_NAME: 'my-stack',
    POWERTOOLS_METRICS_NAMESPACE: 'PrometheusTools',
    AWS_LAMBDA_FUNCTION_NAME: 'my-stack-QueryFunction-AbC123',
    // Nothing listens on port 1: every call fails upstream (a fault).
    PROMETHEUS_URL: 'http://127.0.0.1:1',
    PROMETHEUS_SIGV4: 'false',
    PROMETHEUS_MAX_ATTEMPTS: '1',
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

it.each([
  ['an upstream failure', { query: 'up' }, 1, 'query'],
  ['a refusal of bad input', { query: 'up', time: 'yesterday' }, 0, 'query'],
])('%s: Requests and Faults per function, besides per operation', async (_, args, faults, operation) => {
  const records = await emfOf(args);
  expect(records).toHaveLength(1);
  const [record] = records;
  const [directive] = record!._aws.CloudWatchMetrics;
  expect(directive!.Namespace).toBe('PrometheusTools');
  expect(directive!.Dimensions).toEqual(expect.arrayContaining([['service', 'function_name'], expect.arrayContaining(['service', 'operation'])]));
  expect(directive!.Metrics.map((m) => m.Name)).toEqual(expect.arrayContaining(['Requests', 'Faults', 'Failures']));
  expect(record).toMatchObject({ service: 'my-stack', function_name: 'my-stack-QueryFunction-AbC123', operation, Requests: 1, Faults: faults, Failures: 1 });
});
