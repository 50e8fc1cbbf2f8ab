import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expectedEventEnvelope, type EXPECTED_EVENT_DATA } from '../fixtures/expected';
import type { AmpFront } from '../support/amp-front';
import { functionEnv, startTestFront } from '../support/harness';
import type { FunctionName } from '../support/events';
import { FUNCTIONS } from '../support/events';
import { readTemplate } from '../support/template';
import { TEST_CREDENTIALS, TEST_WORKSPACE_ID } from '../support/credentials';

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
      expect(body).toEqual(expectedEventEnvelope(name as keyof typeof EXPECTED_EVENT_DATA));
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

/**
 * As on Lambda, where the bundles find @aws-sdk/client-amp and
 * @aws-sdk/credential-provider-node (left out of them) only in the runtime's
 * /var/runtime/node_modules, through NODE_PATH: each bundle is copied to a directory outside
 * the project, with no node_modules above it, and run with NODE_PATH naming the project's
 * node_modules (standing for the runtime's SDK), no PROMETHEUS_URL (so the workspace's
 * endpoint comes from DescribeWorkspace, ListWorkspaces for the workspaces function, through
 * the AMP-like front's control plane, signed and authorised) and no credentials in the
 * environment (so the SDK's default chain reads them from a credentials file). An ES
 * import() of either package ignores NODE_PATH and fails here.
 */
describe('the built functions with the runtime\'s SDK, reachable only through NODE_PATH', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lambda-task-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function invokeOutside(name: string): Promise<{ statusCode: number; body: string }> {
    const { file, exportName, timeout } = bundleOf(name);
    const task = path.join(dir, name);
    mkdirSync(task, { recursive: true });
    const bundle = path.join(task, path.basename(file));
    copyFileSync(file, bundle);
    const credentialsFile = path.join(task, 'credentials');
    const key = functionEnv(name as FunctionName).AWS_ACCESS_KEY_ID!;
    writeFileSync(
      credentialsFile,
      `[default]\naws_access_key_id = ${key}\naws_secret_access_key = ${TEST_CREDENTIALS.secretAccessKey}\naws_session_token = ${TEST_CREDENTIALS.sessionToken}\n`,
    );
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !/^(AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE)|PROMETHEUS_URL|NODE_PATH)$/.test(k)) env[k] = v;
    }
    const { stdout } = await run(process.execPath, [path.join(ROOT, 'scripts/lib/invoke-bundle.js'), bundle, exportName, path.join(ROOT, 'events', `${name}.json`), String(timeout)], {
      cwd: task,
      env: {
        ...env,
        HOME: task,
        NODE_PATH: path.join(ROOT, 'node_modules'),
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        AWS_CONFIG_FILE: path.join(task, 'config'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_AMP: front.url,
        WORKSPACE_ID: TEST_WORKSPACE_ID,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    });
    return JSON.parse(stdout).result;
  }

  it('cannot find the SDK without NODE_PATH (the copy has no node_modules above it)', async () => {
    const probe = path.join(dir, 'probe.js');
    writeFileSync(probe, `try { require.resolve('@aws-sdk/client-amp'); console.log('found'); } catch { console.log('missing'); }`);
    const { stdout } = await run(process.execPath, [probe], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir } });
    expect(stdout.trim()).toBe('missing');
  });

  it.each(FUNCTIONS)('%s answers its events file through DescribeWorkspace (ListWorkspaces) and the credentials file', async (name) => {
    const before = front.requests.length;
    const result = await invokeOutside(name);
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body);
    const made = front.requests.slice(before);
    if (name === 'workspaces') {
      expect(body.data).toEqual({
        workspaces: [
          {
            workspace_id: TEST_WORKSPACE_ID,
            alias: 'front-1',
            status: 'ACTIVE',
            arn: `arn:aws:aps:us-east-1:123456789012:workspace/${TEST_WORKSPACE_ID}`,
            created_at: '2023-04-01T00:00:00.000Z',
          },
        ],
        total: 1,
        truncated: false,
        source: 'ListWorkspaces',
      });
      expect(made.map((r) => [r.method, r.endpoint])).toEqual([['GET', 'ListWorkspaces']]);
    } else {
      if (name === 'server-info') {
        expect(body.data).toMatchObject({
          workspace: { workspace_id: TEST_WORKSPACE_ID, alias: 'front-1', status: 'ACTIVE', prometheus_endpoint: `${front.url}/workspaces/${TEST_WORKSPACE_ID}/` },
          reachability: { reachable: true },
        });
      } else {
        expect(body).toEqual(expectedEventEnvelope(name as keyof typeof EXPECTED_EVENT_DATA));
      }
      expect(made[0]).toMatchObject({ method: 'GET', endpoint: 'DescribeWorkspace', workspaceId: TEST_WORKSPACE_ID, status: 200 });
      expect(made.length).toBeGreaterThan(1);
    }
    for (const request of made) {
      expect(request.signatureError).toBeUndefined();
      expect(request.accessDenied).toBeUndefined();
    }
  });
});
