// Bundles the local MCP server (scripts/mcp.ts) into dist/prometheus-tools-mcp.js, an
// executable file that starts without compiling TypeScript, and the router it calls
// into dist/prometheus-tools-mcp-router.js, beside it: the router brings every
// operation's code, the loggers and the SigV4 signer, which a start (spawn to a first
// tools/list) does not need, so the first tool call loads them and no start parses them.
// Plain JavaScript, so that building needs nothing but Node and esbuild.
//
//   node scripts/build-mcp.mjs        (npm run build:mcp)
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/prometheus-tools-mcp.js`;
const ROUTER = 'prometheus-tools-mcp-router.js';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // CommonJS: bundled dependencies require() Node's modules, which esbuild's ESM output cannot.
  format: 'cjs',
  // The packages' ES module builds: esbuild leaves out more of what is not used.
  mainFields: ['module', 'main'],
  minify: true,
  // Loaded only on demand (AMP without PROMETHEUS_URL, credentials beyond the
  // environment), from node_modules: bundled, they would slow every start.
  external: ['@aws-sdk/client-amp', '@aws-sdk/credential-provider-node'],
  logLevel: 'warning',
};

await build({ ...common, entryPoints: [`${root}src/handlers/integration.ts`], outfile: `${root}dist/${ROUTER}` });

await build({
  ...common,
  entryPoints: [`${root}scripts/mcp.ts`],
  outfile,
  banner: { js: '#!/usr/bin/env node' },
  // The MCP SDK's runtime entry without AJV, which only elicitation would use (src/mcp/sdk-shims.ts).
  alias: { '@modelcontextprotocol/server/_shims': `${root}src/mcp/sdk-shims.ts` },
  plugins: [
    {
      // src/mcp/server.ts imports the router on the first call: the file beside this one.
      name: 'router-beside',
      setup(b) {
        b.onResolve({ filter: /^\.\.\/handlers\/integration$/ }, () => ({ path: `./${ROUTER}`, external: true }));
      },
    },
  ],
});
chmodSync(outfile, 0o755);
