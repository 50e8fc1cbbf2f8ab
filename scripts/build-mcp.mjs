// Bundles the local MCP server (scripts/mcp.ts) into one executable file,
// dist/prometheus-tools-mcp.js, so that it starts without compiling TypeScript.
// Plain JavaScript, so that building needs nothing but Node and esbuild.
//
//   node scripts/build-mcp.mjs        (npm run build:mcp)
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/prometheus-tools-mcp.js`;

await build({
  entryPoints: [`${root}scripts/mcp.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // CommonJS: bundled dependencies require() Node's modules, which esbuild's ESM output cannot.
  format: 'cjs',
  // The packages' ES module builds: esbuild leaves out more of what is not used.
  mainFields: ['module', 'main'],
  minify: true,
  banner: { js: '#!/usr/bin/env node' },
  // Loaded only on demand (AMP without PROMETHEUS_URL, credentials beyond the
  // environment), from node_modules: bundled, they would slow every start.
  external: ['@aws-sdk/client-amp', '@aws-sdk/credential-provider-node'],
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
