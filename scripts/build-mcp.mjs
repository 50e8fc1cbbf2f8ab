// Bundles the local MCP server (scripts/mcp.ts) into dist/prometheus-tools-mcp.js, an
// executable file that starts without compiling TypeScript, and the router it calls
// into dist/prometheus-tools-mcp-router.js, beside it: the router brings every
// operation's code, the loggers and the SigV4 signer, which a start (spawn to a first
// tools/list) does not need, so the first tool call loads them and no start parses them.
// Plain JavaScript, so that building needs nothing but Node and esbuild.
//
// The query tool's MCP App (src/mcp/view) is built first, into one HTML file with its script
// and styles inlined (dist/query-view.html), which the server carries as a string.
//
//   node scripts/build-mcp.mjs        (npm run build:mcp)
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The view: its script for browsers (uPlot bundled in), its styles and uPlot's, in one page. */
const view = await build({
  entryPoints: [`${root}src/mcp/view/query-view.ts`],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  minify: true,
  write: false,
  logLevel: 'warning',
});
const styles = [readFileSync(`${root}node_modules/uplot/dist/uPlot.min.css`, 'utf8'), readFileSync(`${root}src/mcp/view/query-view.css`, 'utf8')].join('\n');
// A `</script` inside the script would end it early: escaped, as any inlined script must be.
const script = view.outputFiles[0].text.replace(/<\/(script)/gi, '<\\/$1');
export const VIEW_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
  `<title>Prometheus query</title><style>${styles}</style></head><body><div id="app"></div><script>${script}</script></body></html>\n`;
// dist/ is made by the first build's output, and this write comes before it: a clean clone has none.
mkdirSync(`${root}dist`, { recursive: true });
writeFileSync(`${root}dist/query-view.html`, VIEW_HTML);

await build({ ...common, entryPoints: [`${root}src/handlers/integration.ts`], outfile: `${root}dist/${ROUTER}` });

await build({
  ...common,
  entryPoints: [`${root}scripts/mcp.ts`],
  outfile,
  banner: { js: '#!/usr/bin/env node' },
  // The MCP App's page, carried by the server (src/mcp/app.ts).
  define: { __QUERY_VIEW_HTML__: JSON.stringify(VIEW_HTML) },
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
