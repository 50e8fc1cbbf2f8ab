/**
 * Runs the local MCP server over stdio (for Claude Desktop, IDEs and other MCP clients)
 * or, with --http, over streamable HTTP (src/mcp/http.ts), speaking MCP 2025-11-25 and
 * 2026-07-28 on either. `npm run build:mcp` bundles it into dist/prometheus-tools-mcp.js
 * (and the router it calls beside it), which starts without compiling TypeScript.
 *
 *   node dist/prometheus-tools-mcp.js                       # stdio
 *   node dist/prometheus-tools-mcp.js --http [--port 3001] [--host 127.0.0.1]
 *
 * Configure it with the functions' environment variables: PROMETHEUS_URL (and
 * PROMETHEUS_SIGV4=false for a Prometheus without SigV4), or WORKSPACE_ID and AWS
 * credentials for AMP. Over HTTP, MCP_AUTH_TOKEN requires `Authorization: Bearer <token>`
 * of every request; a --host other than loopback needs it.
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

// stdout is the protocol channel over stdio: logs go to stderr, EMF metrics nowhere.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_DEV ??= 'true';
const log = console.log;
console.log = console.error;
console.info = console.error;
console.debug = console.error;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { http: { type: 'boolean' }, port: { type: 'string' }, host: { type: 'string' } } });
  // Imported after the environment above is set: the loggers read it when loaded.
  if (values.http !== true) {
    const { createMcpServer } = await import('../src/mcp/server');
    // The client's first message picks the revision for the connection: `initialize`
    // (2025-11-25) or a 2026-07-28 request, `server/discover` or any other.
    serveStdio(createMcpServer, { onerror: (error) => console.error(`mcp: ${error.message}`) });
    return;
  }

  const host = values.host ?? '127.0.0.1';
  const { createHttpServer } = await import('../src/mcp/http');
  const server = createHttpServer({ host, token: process.env.MCP_AUTH_TOKEN || undefined });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(Number(values.port ?? 3001), host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  log.call(console, `MCP server on http://${host.includes(':') ? `[${host}]` : host}:${port}/mcp`);
}

main().catch((error: unknown) => {
  process.stderr.write(`mcp server failed: ${(error as Error).message}\n`);
  process.exit(1);
});
