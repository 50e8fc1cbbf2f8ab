import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { EXPECTED_EVENT_DATA } from '../fixtures/expected';
import type { AmpFront } from '../support/amp-front';
import { functionEnv, startTestFront } from '../support/harness';
import type { FunctionName } from '../support/events';
import { FUNCTIONS } from '../support/events';
import { readTemplate } from '../support/template';

/**
 * What `sam build` produced, run as Lambda would: each bundle loaded in a fresh Node
 * process and invoked with its events/*.json against the real Prometheus (through the
 * SigV4-checking front). Also holds each bundle to its size budget.
 */

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const BUILD = path.join(ROOT, '.aws-sam', 'build');
const BUNDLE_BUDGET_BYTES = 1_000_000;

const LOGICAL_IDS: Record<string, string> = {
  query: 'QueryFunction',
  'range-query': 'RangeQueryFunction',
  'list-metrics': 'ListMetricsFunction',
  'server-info': 'ServerInfoFunction',
  integration: 'IntegrationFunction',
  alerting: 'AlertingFunction',
  discovery: 'DiscoveryFunction',
  workspaces: 'WorkspacesFunction',
};

function bundleOf(name: string): { file: string; exportName: string; timeout: number } {
  const built = readTemplate(path.join(BUILD, 'template.yaml'));
  const fn = built.Resources[LOGICAL_IDS[name]!].Properties;
  const [module, exportName] = (fn.Handler as string).split('.') as [string, string];
  return { file: path.join(BUILD, fn.CodeUri as string, `${module}.js`), exportName, timeout: fn.Timeout as number };
}

let front: AmpFront;
beforeAll(async () => {
  if (!existsSync(path.join(BUILD, 'template.yaml'))) throw new Error('no .aws-sam/build: run `npm run build` first');
  front = await startTestFront();
});
afterAll(async () => front.stop());

async function invokeBuilt(name: string): Promise<{ statusCode: number; body: string }> {
  const { file, exportName, timeout } = bundleOf(name);
  const { stdout } = await run(
    process.execPath,
    [path.join(ROOT, 'scripts/lib/invoke-bundle.js'), file, exportName, path.join(ROOT, 'events', `${name}.json`), String(timeout)],
    { env: { ...process.env, ...functionEnv(name as FunctionName), PROMETHEUS_URL: front.workspaceUrl, POWERTOOLS_LOG_LEVEL: 'SILENT' } },
  );
  return JSON.parse(stdout).result;
}

describe.each(FUNCTIONS)('the built %s function', (name) => {
  it('stays within the bundle budget', () => {
    expect(statSync(bundleOf(name).file).size).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
  });

  it('answers its events file against the real Prometheus', async () => {
    const before = front.requests.length;
    const result = await invokeBuilt(name);
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body);
    if (name === 'server-info') {
      expect(body.data).toMatchObject({
        workspace: null,
        query_endpoint: `${front.workspaceUrl}/api/v1`,
        reachability: { reachable: true },
        build_info: { version: process.env.LOCAL_PROMETHEUS_VERSION },
      });
    } else if (name === 'workspaces') {
      expect(body.data).toEqual({
        workspaces: [{ status: 'ACTIVE', prometheus_endpoint: front.workspaceUrl }],
        total: 1,
        truncated: false,
        source: 'PROMETHEUS_URL',
      });
    } else {
      expect(body).toEqual({ status: 'success', data: EXPECTED_EVENT_DATA[name as keyof typeof EXPECTED_EVENT_DATA] });
    }
    const made = front.requests.slice(before);
    // list_workspaces lists PROMETHEUS_URL without calling it; every other function calls Prometheus.
    expect(made.length > 0).toBe(name !== 'workspaces');
    for (const request of made) {
      expect(request.signatureError).toBeUndefined();
      expect(request.accessDenied).toBeUndefined();
    }
  });
});
