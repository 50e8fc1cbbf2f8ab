import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { freePort } from '../../scripts/lib/free-port';

/**
 * moto's AWS emulator (`moto_server`, from PyPI, installed by scripts/setup.sh into
 * .venv-moto) on 127.0.0.1, with its Step Functions engine executing state machines
 * and Lambda answering from a queue instead of Docker.
 */

export interface Moto {
  endpoint: string;
  /** Queue what the next Lambda invocations answer, in order. */
  queueLambdaResults(results: unknown[]): Promise<void>;
  stop(): Promise<void>;
}

const BIN = process.env.MOTO_SERVER_BIN ?? path.join(__dirname, '..', '..', '.venv-moto', 'bin', 'moto_server');

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(BIN, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      await post(`${endpoint}/moto-api/config`, { lambda: { use_docker: false }, stepfunctions: { execute_state_machine: true } });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`moto_server did not start: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    endpoint,
    queueLambdaResults: (results) =>
      post(`${endpoint}/moto-api/static/lambda-simple/response`, { results: results.map((r) => JSON.stringify(r)), region: 'us-east-1' }),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function post(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode !== undefined && res.statusCode < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
