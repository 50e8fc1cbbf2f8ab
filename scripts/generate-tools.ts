/**
 * Writes tools.json and the gateway's inline tool schema in template.yaml from the
 * TypeBox schemas. A unit test fails when either is out of date.
 *
 *   npm run tools
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderTemplate, renderToolsJson, TEMPLATE_FILE, TOOLS_FILE } from './lib/tool-files';

for (const [file, content] of [
  [TOOLS_FILE, renderToolsJson()],
  [TEMPLATE_FILE, renderTemplate()],
] as const) {
  const changed = readFileSync(file, 'utf8') !== content;
  if (changed) writeFileSync(file, content);
  process.stdout.write(`${changed ? 'wrote' : 'up to date'}: ${file}\n`);
}
