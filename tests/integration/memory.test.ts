import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MEMORY_PER_RESPONSE_BYTE } from '../../src/shared/config';
import { MAX_RESPONSE_BUDGET_BYTES } from '../../src/shared/result-size';
import { readTemplate } from '../support/template';

/**
 * Memory is bounded by the function's memory: the built bundle runs in a Node process
 * held to the function's MemorySize (V8 heap capped, peak RSS measured), as Lambda
 * runs it, against an upstream answer just under the largest it reads at once (1/16 of
 * the memory), one just over it and one four times it: the larger ones are read as a
 * stream and cut to the series that fit, and the peak stays under 60% of the memory.
 */

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const BUILD = path.join(ROOT, '.aws-sam', 'build');
const MiB = 1024 * 1024;

/** The built bundle, timeout and memory of the function whose handler is `<module>.handler`. */
function builtFunction(module: string): { file: string; timeout: number; memory: number } {
  const built = readTemplate(path.join(BUILD, 'template.yaml'));
  const globals = built.Globals?.Function ?? {};
  for (const resource of Object.values(built.Resources) as { Type: string; Properties: Record<string, unknown> }[]) {
    const p = resource.Properties;
    if (resource.Type === 'AWS::Serverless::Function' && p.Handler === `${module}.handler`) {
      return {
        file: path.join(BUILD, p.CodeUri as string, `${module}.js`),
        timeout: (p.Timeout ?? globals.Timeout) as number,
        memory: (p.MemorySize ?? globals.MemorySize) as number,
      };
    }
  }
  throw new Error(`no built function with handler ${module}.handler`);
}

/** A Prometheus matrix answer of about `bytes` bytes: series of 200 points. */
function matrixOf(bytes: number): Buffer {
  const parts: string[] = [];
  let size = 64;
  for (let i = 0; size < bytes; i++) {
    const values = Array.from({ length: 200 }, (_, p) => `[${1680300000 + p * 60},"${(i * 7 + p) % 1000}.5"]`).join(',');
    const series = `{"metric":{"__name__":"bench_requests_in_flight","instance":"host-${String(i).padStart(6, '0')}","job":"bench"},"values":[${values}]}`;
    parts.push(series);
    size += series.length + 1;
  }
  return Buffer.from(`{"status":"success","data":{"resultType":"matrix","result":[${parts.join(',')}]}}`);
}

let server: http.Server;
let url: string;
let answer: Buffer = Buffer.alloc(0);

beforeAll(async () => {
  if (!existsSync(path.join(BUILD, 'template.yaml'))) throw new Error('no .aws-sam/build: run `npm run build` first');
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

async function invoke(module: string, event: unknown): Promise<{ result: { status: string; truncated?: boolean; error?: { type: string; message: string } }; maxRssBytes: number }> {
  const fn = builtFunction(module);
  const eventFile = path.join(tmpdir(), `memory-${module}-${process.pid}.json`);
  writeFileSync(eventFile, JSON.stringify(event));
  const { stdout } = await run(
    process.execPath,
    [`--max-old-space-size=${fn.memory}`, path.join(ROOT, 'scripts/lib/invoke-bundle.js'), fn.file, 'handler', eventFile, String(fn.timeout)],
    {
      maxBuffer: 64 * MiB,
      env: {
        ...process.env,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memory),
        PROMETHEUS_URL: url,
        PROMETHEUS_SIGV4: 'false',
        PROMETHEUS_MAX_RESPONSE_BYTES: '',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    },
  );
  return JSON.parse(stdout);
}

describe.each([
  ['query', { query: 'bench_requests_in_flight' }],
  ['range-query', { query: 'bench_requests_in_flight', start: 1680300000, end: 1680311940, step: 60 }],
])('the built %s function', (module, event) => {
  const memoryBytes = () => builtFunction(module).memory * MiB;
  const limit = () => Math.floor(memoryBytes() / MEMORY_PER_RESPONSE_BYTE);

  it('reads an answer just under its limit whole within its memory, cut only where over the 6 MB response budget', async () => {
    answer = matrixOf(limit() - 256 * 1024);
    const { result, maxRssBytes } = await invoke(module, event);
    if (process.env.MEMORY_REPORT !== undefined) process.stderr.write(`${module}: ${answer.length} bytes read, peak RSS ${Math.round(maxRssBytes / MiB)} MiB of ${memoryBytes() / MiB}\n`);
    expect(result.status).toBe('success');
    // 4 MB held by the 256 MB query function answers whole; 8 MB by the 512 MB range function is over 6 MB.
    expect(result.truncated).toBe(answer.length > MAX_RESPONSE_BUDGET_BYTES ? true : undefined);
    expect(maxRssBytes).toBeLessThan(0.6 * memoryBytes());
  });

  it.each([
    ['just over', 256 * 1024],
    ['four times', 0],
  ])('reads an answer %s its limit as a stream: the series that fit, how many there were, how to ask for less, within 60%% of its memory', async (_, extra) => {
    const size = extra === 0 ? 4 * limit() : limit() + extra;
    answer = matrixOf(size);
    const series = answer.toString('utf8').split('{"metric"').length - 1;
    const { result, maxRssBytes } = await invoke(module, event);
    if (process.env.MEMORY_REPORT !== undefined) process.stderr.write(`${module}: ${answer.length} bytes answered, peak RSS ${Math.round(maxRssBytes / MiB)} MiB of ${memoryBytes() / MiB}\n`);
    expect(result.status).toBe('success');
    expect(result.truncated).toBe(true);
    expect((result as { note?: string }).note).toMatch(
      new RegExp(`^Prometheus answered ${series.toLocaleString('en-US')} series \\([0-9.]+ MB\\), more than the function reads at once: kept the first [0-9,]+ whole; ask for less: aggregate \\(sum by \\(instance\\) \\(bench_requests_in_flight\\)\\)`),
    );
    expect(maxRssBytes).toBeLessThan(0.6 * memoryBytes());
  });
});
