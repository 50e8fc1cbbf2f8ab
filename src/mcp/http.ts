import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createMcpServer } from './server';

/**
 * The local MCP server over streamable HTTP, at /mcp. It answers with the
 * developer's AWS credentials, so it must not answer a web page: on a loopback
 * address it accepts only loopback Host and Origin headers (against DNS
 * rebinding). With a bearer token, every request must carry it; without one, it
 * listens on loopback only. These guards come first, whatever the protocol revision.
 *
 * Behind them, the SDK's handler serves both revisions on the one endpoint: a
 * 2026-07-28 request (its `_meta` names the revision) statelessly, after checking
 * the MCP-Protocol-Version, Mcp-Method and Mcp-Name headers against the body (400,
 * -32020 when one is missing or disagrees); any other, 2025-11-25 with `initialize`
 * included, through the stateless legacy transport. A fresh server per request.
 */

/** The addresses --host may name without a token, and the same names as Host and Origin write them. */
const LOOPBACK_ADDRESSES = ['127.0.0.1', 'localhost', '::1'];
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export interface HttpOptions {
  host: string;
  /** When set, every request must carry it; needed to listen beyond loopback. */
  token?: string;
}

export function createHttpServer({ host, token }: HttpOptions): http.Server {
  const loopback = LOOPBACK_ADDRESSES.includes(host);
  if (!loopback && token === undefined) {
    throw new Error(`refusing to listen on ${host} without a bearer token: set MCP_AUTH_TOKEN, or listen on 127.0.0.1`);
  }
  const authorized = token === undefined ? () => true : bearerCheck(token);
  const mcp = createMcpHandler(createMcpServer);

  const server = http.createServer(async (req, res) => {
    if (req.url?.split('?')[0] !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    if (!authorized(req.headers.authorization)) {
      refuse(res, 401, -32001, 'Unauthorized: a valid bearer token is required', { 'WWW-Authenticate': 'Bearer' });
      return;
    }
    if (loopback) {
      // Exact names with this port: a loopback name on another port is another server.
      // Elsewhere the token is the guard: the names clients reach the server by are not known.
      const { port } = server.address() as AddressInfo;
      const { host: hostHeader, origin } = req.headers;
      if (hostHeader === undefined || !LOOPBACK_NAMES.some((name) => hostHeader === `${name}:${port}`)) {
        refuse(res, 403, -32000, `Invalid Host header: ${hostHeader ?? ''}`);
        return;
      }
      // Sent by browsers only; `null` (a sandboxed page, a file) is no loopback origin either.
      if (origin !== undefined && !LOOPBACK_NAMES.some((name) => origin === `http://${name}:${port}`)) {
        refuse(res, 403, -32000, `Invalid Origin header: ${origin}`);
        return;
      }
    }
    // Both revisions POST every message: 2026-07-28 has no GET stream, and the stateless
    // 2025-11-25 serving has no session for a GET or DELETE to name.
    if (req.method !== 'POST') {
      refuse(res, 405, -32000, 'Method not allowed.', { Allow: 'POST' });
      return;
    }
    try {
      await respond(res, await mcp.fetch(toWebRequest(req, res)));
    } catch (error) {
      // The SDK turns its own failures into answers: what lands here is a request that
      // fetch's Request will not hold.
      if (!res.headersSent) refuse(res, 400, -32600, `Bad request: ${(error as Error).message}`);
      else res.destroy();
    }
  });
  server.on('close', () => void mcp.close());
  return server;
}

function refuse(res: http.ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

/** A POST from node:http to fetch's Request: the body streamed, aborted when the client goes away. */
function toWebRequest(req: http.IncomingMessage, res: http.ServerResponse): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort();
  });
  // The URL's host is not the Host header's (checked above, or unknown beyond loopback).
  return new Request(new URL(req.url!, 'http://localhost'), {
    method: 'POST',
    headers,
    signal: aborted.signal,
    body: Readable.toWeb(req) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
}

/** fetch's Response to node:http, streamed (a server-sent event stream as it comes). */
async function respond(res: http.ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body === null) {
    res.end();
    return;
  }
  // A client that goes away mid-stream ends the pipeline early: nothing to report.
  await pipeline(Readable.fromWeb(response.body as never), res).catch(() => undefined);
}

/** Compares SHA-256 digests in constant time, so neither the token nor its length leaks through timing. */
function bearerCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = sha256(token);
  return (authorization) => {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    return match !== null && timingSafeEqual(sha256(match[1]!), expected);
  };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
