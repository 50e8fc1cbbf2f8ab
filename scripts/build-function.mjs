// Bundles one Lambda function for `sam build`: the Makefile's build-%Function target runs
// it with the function's name in template.yaml's Mappings.Functions and the directory SAM
// gives (ARTIFACTS_DIR). With the project's own esbuild and installed packages, so that a
// build does not copy the project and run `npm ci` once per function.
// The settings are those of SAM's esbuild builder (bundle, platform node, format cjs) with
// the BuildProperties the template had: one file, <Entry>.js, for Handler <Entry>.handler.
//
//   node scripts/build-function.mjs Query .aws-sam/build/QueryFunction
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parseDocument } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const [name, outdir] = process.argv.slice(2);
if (!name || !outdir) {
  console.error('usage: node scripts/build-function.mjs <Name in Mappings.Functions> <output directory>');
  process.exit(2);
}

// The entry point as the template names it (its tags do not matter here, hence no schema).
const template = parseDocument(readFileSync(path.join(root, 'template.yaml'), 'utf8'), { maxAliasCount: -1, logLevel: 'error' });
const entry = template.getIn(['Mappings', 'Functions', name, 'Entry']);
if (typeof entry !== 'string') {
  console.error(`template.yaml has no Mappings.Functions.${name}.Entry`);
  process.exit(1);
}

await build({
  entryPoints: [path.join(root, 'src', 'handlers', `${entry}.ts`)],
  outfile: path.join(path.resolve(outdir), `${entry}.js`),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  minify: true,
  // The packages' ES module builds: esbuild leaves out what is not used (a third of the
  // bundle) and the cold start is shorter (docs/benchmark-history.md).
  mainFields: ['module', 'main'],
  // No source map: Node's --enable-source-maps, which it needs, parses the 3 MB map at
  // load, ~17 ms of cold start (docs/benchmarks.md).
  sourcemap: false,
  // Loaded only on demand (DescribeWorkspace without PROMETHEUS_URL; credentials beyond
  // the environment), from the AWS SDK v3 the Node.js runtime provides.
  external: ['@aws-sdk/client-amp', '@aws-sdk/credential-provider-node'],
  logLevel: 'warning',
});
