import http from 'node:http';
import https from 'node:https';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ArrayCut, type CutAnswer } from './array-cut';

/**
 * One HTTP exchange over keep-alive connections that live as long as the container,
 * so warm invocations skip the TCP and TLS handshakes. The timeout covers the whole
 * exchange, first byte to last; the answer is read up to `maxBytes` (after gunzip), or,
 * where the caller names the large array of a successful answer (`cut`), read whole as a
 * stream and cut to the elements that fit, the rest counted (array-cut.ts).
 */

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** A successful answer read with `cut`: parsed, its array cut (the body is then empty). */
  cut?: CutAnswer;
}

export interface SendOptions {
  timeoutMs: number;
  maxBytes: number;
  /** For a 2xx answer: the path of its large array, and the bytes of it to keep. */
  cut?: { path: readonly string[]; keepBytes: number };
}

/** The whole exchange did not finish within its timeout. */
export class HttpTimeoutError extends Error {
  override readonly name = 'HttpTimeoutError';
}

/** The answer is larger than the reader accepts. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  constructor(readonly limit: number) {
    super(`response larger than ${limit} bytes`);
  }
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

export function send(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
  const secure = request.url.protocol === 'https:';
  const transport = secure ? https : http;
  return new Promise<HttpResponse>((resolve, reject) => {
    const req = transport.request(request.url, {
      method: request.method,
      headers: request.headers,
      agent: secure ? agents.https : agents.http,
    });
    const timer = setTimeout(
      () => req.destroy(new HttpTimeoutError(`no complete answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const gzipped = res.headers['content-encoding'] === 'gzip';
      const stream: Readable = gzipped ? res.pipe(createGunzip()) : res;
      const status = res.statusCode ?? 0;
      if (options.cut !== undefined && status >= 200 && status < 300) {
        // What comes outside the array (an answer without it, a long list of warnings) is held up to maxBytes, as any answer.
        const reader = new ArrayCut(options.cut.path, options.cut.keepBytes, options.maxBytes);
        stream.on('data', (chunk: Buffer) => {
          reader.push(chunk);
          if (reader.overflowed) fail(new ResponseTooLargeError(options.maxBytes));
        });
        stream.on('error', fail);
        res.on('error', fail);
        stream.on('end', () => {
          clearTimeout(timer);
          let cut: CutAnswer | undefined;
          try {
            cut = reader.end();
          } catch {
            // Not JSON: the caller says so, as for any answer it cannot read.
          }
          resolve({ status, headers: res.headers, body: Buffer.alloc(0), ...(cut === undefined ? {} : { cut }) });
        });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          fail(new ResponseTooLargeError(options.maxBytes));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', fail);
      res.on('error', fail);
      stream.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, size) });
      });
    });
    req.end(request.body);
  });
}
