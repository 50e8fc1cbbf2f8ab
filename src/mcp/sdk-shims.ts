import process from 'node:process';
import type { jsonSchemaValidator } from '@modelcontextprotocol/server';

/**
 * What @modelcontextprotocol/server takes from its runtime entry (`_shims`), for the
 * bundle only: scripts/build-mcp.mjs aliases that entry here. The SDK's Node entry
 * brings AJV (150 KB minified, a sixth of the bundle, compiled at every start) as the
 * default validator of elicitation answers, the one use a low-level Server makes of it,
 * and these tools elicit nothing. Anything else the SDK takes from `_shims` fails the build.
 */
export class DefaultJsonSchemaValidator implements jsonSchemaValidator {
  getValidator(): never {
    throw new Error('this MCP server validates no JSON Schema: it asks the client for nothing');
  }
}

export { process };
