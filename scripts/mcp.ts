/**
 * Runs the local MCP server over stdio (for Claude Desktop, IDEs and other MCP clients)
 * or, with --http, over streamable HTTP on 127.0.0.1.
 *
 *   npm run --silent mcp                       # stdio
 *   npm run --silent mcp -- --http [--port 3001]
 *
 * Configure it with the functions' environment variables: PROMETHEUS_URL (and
 * PROMETHEUS_SIGV4=false for a Prometheus without SigV4), or WORKSPACE_ID and AWS
 * credentials for AMP.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

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
  const { createMcpServer } = await import('../src/mcp/server');

  if (values.http !== true) {
    await createMcpServer().connect(new StdioServerTransport());
    return;
  }

  const host = values.host ?? '127.0.0.1';
  const port = Number(values.port ?? 3001);
  const server = http.createServer(async (req, res) => {
    if (req.url?.split('?')[0] !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    // Stateless: a server and transport per request, as the SDK recommends without sessions.
    const mcp = createMcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  });
  server.listen(port, host, () => {
    const { port: bound } = server.address() as { port: number };
    log.call(console, `MCP server on http://${host}:${bound}/mcp`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`mcp server failed: ${(error as Error).message}\n`);
  process.exit(1);
});
