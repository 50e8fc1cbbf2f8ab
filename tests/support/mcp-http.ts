import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The local MCP server's bundle (npm run build:mcp). */
export const MCP_BUNDLE = path.join(__dirname, '..', '..', 'dist', 'prometheus-tools-mcp.js');

/** Starts the bundle over HTTP on a free port, with `env`; resolves with that port once it listens. */
export async function startMcpHttp(args: string[], env: Record<string, string>): Promise<{ server: ChildProcess; port: number }> {
  const server = spawn(process.execPath, [MCP_BUNDLE, '--http', '--port', '0', ...args], {
    cwd: path.dirname(path.dirname(MCP_BUNDLE)),
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /MCP server on http:\/\/\S+:(\d+)\/mcp/.exec(out);
      if (match !== null) resolve(Number(match[1]));
    });
    server.once('exit', (code) => reject(new Error(`the MCP server exited with ${code}`)));
  });
  return { server, port };
}
