import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: status, headers and body, or a connection reset. */
export type Script = { status: number; headers?: Record<string, string>; body?: string | Buffer; delayMs?: number } | 'reset';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A real HTTP server on 127.0.0.1 that answers from a script, one entry per request
 * (the last entry repeats), and records what it received.
 */
export async function startScriptedServer(script: Script[]): Promise<{
  url: string;
  received: ReceivedRequest[];
  stop(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const step = script[Math.min(received.length - 1, script.length - 1)]!;
      if (step === 'reset') {
        req.socket.destroy();
        return;
      }
      setTimeout(() => {
        res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
        res.end(step.body ?? '');
      }, step.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const ok = (data: unknown, extra: Record<string, unknown> = {}): Script => ({
  status: 200,
  body: JSON.stringify({ status: 'success', data, ...extra }),
});

export const promError = (status: number, errorType: string, error: string): Script => ({
  status,
  body: JSON.stringify({ status: 'error', errorType, error }),
});
