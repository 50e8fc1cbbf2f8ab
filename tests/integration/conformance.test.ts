import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AmpFront } from '../support/amp-front';
import { functionEnv, startTestFront } from '../support/harness';
import { MCP_BUNDLE, startMcpHttp } from '../support/mcp-http';

/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance, pinned in
 * package.json) against the local MCP server over streamable HTTP, once per revision the
 * server speaks, with the requirements that revision scores (`--requirements`). Its
 * expected failures are tests/conformance/expected-failures.yaml: only what this server
 * does not declare (resources, prompts, completions, logging, sampling, elicitation,
 * input-required results, the suite's own test tools), each with its reason. The suite
 * exits non-zero on any other failure, and on an entry of the baseline that now passes.
 */

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const SUITE = path.join(ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const BASELINE = path.join(ROOT, 'tests', 'conformance', 'expected-failures.yaml');

let front: AmpFront;
let server: ChildProcess;
let port: number;

beforeAll(async () => {
  if (!existsSync(MCP_BUNDLE)) throw new Error('no dist/prometheus-tools-mcp.js: run `npm run build` (or `npm run build:mcp`) first');
  front = await startTestFront();
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...functionEnv('integration'), PROMETHEUS_URL: front.workspaceUrl, POWERTOOLS_LOG_LEVEL: 'SILENT' };
  delete env.MCP_AUTH_TOKEN;
  ({ server, port } = await startMcpHttp([], env));
}, 30_000);
afterAll(async () => {
  server?.kill();
  await front?.stop();
});

it.each(['2025-11-25', '2026-07-28'])('passes the conformance suite for %s but for the expected failures', async (revision) => {
  // localhost, not 127.0.0.1: the DNS-rebinding scenario needs a loopback name to compare against.
  const result = await run(process.execPath, [SUITE, 'server', '--url', `http://localhost:${port}/mcp`, '--requirements', revision, '--expected-failures', BASELINE], {
    cwd: ROOT,
    timeout: 120_000,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code, stdout: error.stdout ?? '' }),
  );
  const plain = result.stdout.replace(/\x1b\[[0-9;]*m/g, '');
  expect(plain).not.toMatch(/Unexpected failures|Stale baseline entries/);
  expect(plain).toContain('Baseline check passed: all failures are expected.');
  expect(result.code).toBe(0);
  // What it does serve passes outright: the tool list, DNS-rebinding protection, and on
  // 2026-07-28 the header rules.
  expect(plain).toMatch(/✓ tools-list: \d+ passed, 0 failed/);
  expect(plain).toMatch(/✓ dns-rebinding-protection: 2 passed, 0 failed/);
}, 150_000);
