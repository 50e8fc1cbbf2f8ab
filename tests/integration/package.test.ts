import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startMoto, type Moto } from '../support/moto';
import { readTemplate, readTemplateSource } from '../support/template';

/**
 * What `sam deploy` would upload: `sam package` run on the built template against moto's
 * S3. The template keeps its Fn::ForEach loop for CloudFormation, so each function must
 * still get its own bundle, through the CodeUri mapping sam build writes.
 */

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const BUILD = path.join(ROOT, '.aws-sam', 'build');
const BUCKET = 'packaged-artifacts';
const env = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: '', AWS_DEFAULT_REGION: 'us-east-1', SAM_CLI_TELEMETRY: '0' };

// The files in each S3 object's zip, read with the boto3 and zipfile that come with the SAM CLI.
const LIST_ZIPS = `
import boto3, io, json, sys, zipfile
s3 = boto3.client('s3', endpoint_url=sys.argv[1])
keys = json.loads(sys.argv[2])
print(json.dumps({k: zipfile.ZipFile(io.BytesIO(s3.get_object(Bucket='${BUCKET}', Key=k)['Body'].read())).namelist() for k in keys}))
`;

let moto: Moto;
let dir: string;
beforeAll(async () => {
  if (!existsSync(path.join(BUILD, 'template.yaml'))) throw new Error('no .aws-sam/build: run `npm run build` first');
  moto = await startMoto();
  dir = mkdtempSync(path.join(tmpdir(), 'package-'));
  await new Promise<void>((resolve, reject) =>
    http.request(`${moto.endpoint}/${BUCKET}`, { method: 'PUT' }, (res) => (res.resume(), res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)))).on('error', reject).end(),
  );
}, 60_000);
afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("gives each function its own bundle, and keeps the template's loop for CloudFormation", async () => {
  const packaged = path.join(dir, 'packaged.yaml');
  // As `sam deploy` packages: from the project, on .aws-sam/build, with samconfig.toml.
  await run(path.join(ROOT, '.venv', 'bin', 'sam'), ['package', '--s3-bucket', BUCKET, '--output-template-file', packaged], {
    cwd: ROOT,
    env: { ...process.env, ...env, AWS_ENDPOINT_URL: moto.endpoint },
  });
  expect(readTemplateSource(packaged).Resources['Fn::ForEach::Functions'][1]).toEqual(Object.keys(readTemplateSource(path.join(ROOT, 'template.yaml')).Mappings.Functions));

  const functions = Object.entries(readTemplate(packaged).Resources as Record<string, { Type: string; Properties: { CodeUri: string; Handler: string } }>).filter(
    ([, r]) => r.Type === 'AWS::Serverless::Function',
  );
  const keys = functions.map(([, r]) => r.Properties.CodeUri.replace(`s3://${BUCKET}/`, ''));
  expect(new Set(keys).size).toBe(functions.length);
  const { stdout } = await run(path.join(ROOT, '.venv', 'bin', 'python'), ['-c', LIST_ZIPS, moto.endpoint, JSON.stringify(keys)], { env: { ...process.env, ...env } });
  const files = JSON.parse(stdout) as Record<string, string[]>;
  expect(Object.fromEntries(functions.map(([id], i) => [id, files[keys[i]!]]))).toEqual(
    Object.fromEntries(functions.map(([id, r]) => [id, [`${r.Properties.Handler.split('.')[0]}.js`]])),
  );
  const entries = Object.values(readTemplate(path.join(ROOT, 'template.yaml')).Mappings.Functions as Record<string, { Entry: string }>).map((f) => f.Entry);
  expect(functions.map(([, r]) => r.Properties.Handler.split('.')[0])).toEqual(entries);
}, 120_000);
