import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpServer } from './server';

/**
 * The local MCP server over streamable HTTP, at /mcp. It answers with the
 * developer's AWS credentials, so it must not answer a web page: on a loopback
 * address it accepts only loopback Host and Origin headers (against DNS
 * rebinding). With a bearer token, every request must carry it; without one, it
 * listens on loopback only.
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

  const server = http.createServer(async (req, res) => {
    if (req.url?.split('?')[0] !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    if (!authorized(req.headers.authorization)) {
      res
        .writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer' })
        .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Unauthorized: a valid bearer token is required' }, id: null }));
      return;
    }
    const { port } = server.address() as AddressInfo;
    // Stateless: a server and transport per request, as the SDK recommends without sessions.
    const mcp = createMcpServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      // The SDK's own check: 403 for any other Host, or for an Origin when one is sent.
      // (Deprecated for middleware, which the SDK ships for Express only; a removal
      // fails the type check.) Elsewhere the token is the guard: the names clients
      // reach the server by are not known.
      ...(loopback && {
        enableDnsRebindingProtection: true,
        allowedHosts: LOOPBACK_NAMES.map((name) => `${name}:${port}`),
        allowedOrigins: LOOPBACK_NAMES.map((name) => `http://${name}:${port}`),
      }),
    });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  });
  return server;
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
