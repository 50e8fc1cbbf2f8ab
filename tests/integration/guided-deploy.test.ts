import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTemplate } from '../support/template';

/**
 * `sam deploy --guided` as the README describes it, run for real (the SAM CLI setup.sh
 * installs) on a copy of the template and samconfig.toml, every answer Enter, its AWS calls
 * sent to a closed loopback port: what it asks, in order, before it first needs AWS. And
 * what refuses an empty WorkspaceId, which its prompt accepts.
 */

const ROOT = path.join(__dirname, '..', '..');
const template = readTemplate(path.join(ROOT, 'template.yaml'));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'guided-'));
  for (const file of ['template.yaml', 'samconfig.toml']) copyFileSync(path.join(ROOT, file), path.join(dir, file));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const QUESTIONS = [
  'Confirm changes before deploy',
  'Allow SAM CLI IAM role creation',
  'Disable rollback',
  'Save arguments to configuration file',
  'SAM configuration file',
  'SAM configuration environment',
];

it('asks for the stack name, the region, every parameter with its default, then six questions', async () => {
  const answers = '\n'.repeat(60);
  const child = execFile(path.join(ROOT, '.venv', 'bin', 'sam'), ['deploy', '--guided'], {
    cwd: dir,
    env: { ...process.env, SAM_CLI_TELEMETRY: '0', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' },
    timeout: 90_000,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  child.stdin!.end(answers);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).not.toBe(0);
  // Where it stopped: its first AWS call (the managed bucket's stack), after every question.
  expect(output).toContain('Looking for resources needed for deployment');
  const asked = [...output.matchAll(/(Stack Name|AWS Region|Parameter \w+|[A-Z][A-Za-z ]+?) \[[^\]]*\]:/g)].map((m) => m[1]!.trim());
  const parameters = Object.keys(template.Parameters).map((name) => `Parameter ${name}`);
  expect(asked).toEqual(['Stack Name', 'AWS Region', ...parameters, ...QUESTIONS]);
  // Every parameter's default is offered; WorkspaceId has none.
  expect(output).toContain('Parameter WorkspaceId []:');
  expect(output).toContain('Parameter LogLevel [INFO]:');
}, 120_000);

it('leaves an empty WorkspaceId to its MinLength (CloudFormation applies no AllowedPattern to an empty value), with its message', () => {
  const parameter = template.Parameters.WorkspaceId;
  expect(parameter).toMatchObject({ Type: 'String', MinLength: 1 });
  expect(parameter.Default).toBeUndefined();
  const pattern = new RegExp(parameter.AllowedPattern);
  expect(pattern.test('ws-12345678-abcd-1234-efgh-123456789012')).toBe(true);
  expect(pattern.test('ws-1234')).toBe(false);
  expect(parameter.ConstraintDescription).toBe('must be an AMP workspace ID such as ws-12345678-abcd-1234-efgh-123456789012');
});
