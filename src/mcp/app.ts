import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The query tool's MCP App (MCP Apps, SEP-1865): a `ui://` resource, one HTML page with its
 * script and styles inlined (src/mcp/view, built by scripts/build-mcp.mjs into
 * dist/query-view.html and carried in the server's bundle), that hosts which render MCP Apps
 * show beside the answer, fed the tool result they already hold. Hosts without MCP Apps, and
 * the model, see nothing of it: the tool list a model is given (name, description, input
 * schema) does not change.
 */

/** The MIME type of an MCP App's page (the extension's RESOURCE_MIME_TYPE). */
export const APP_MIME_TYPE = 'text/html;profile=mcp-app';
export const QUERY_VIEW_URI = 'ui://prometheus-tools/query-view.html';
/** The tools whose results the view draws. */
export const VIEW_TOOLS: ReadonlySet<string> = new Set(['query']);

/**
 * A tool's link to its view: `_meta.ui.resourceUri`, and the flat `ui/resourceUri` that hosts
 * of the first drafts read (the extension's SDK sets both).
 */
export const VIEW_META = { ui: { resourceUri: QUERY_VIEW_URI }, 'ui/resourceUri': QUERY_VIEW_URI } as const;

declare const __QUERY_VIEW_HTML__: string | undefined;
let html: string | undefined;

/** The page: in the bundle, a string; from the sources (tests), the built file. */
export function queryViewHtml(): string {
  html ??= typeof __QUERY_VIEW_HTML__ === 'string' ? __QUERY_VIEW_HTML__ : readFileSync(path.join(__dirname, '..', '..', 'dist', 'query-view.html'), 'utf8');
  return html;
}

export const QUERY_VIEW_RESOURCE = {
  uri: QUERY_VIEW_URI,
  name: 'query-view',
  title: 'Prometheus query chart',
  description: "Draws the query tool's answer: a range as lines per series, an instant as bars, a summary as a table.",
  mimeType: APP_MIME_TYPE,
};

/**
 * resources/read's content: the page, which loads nothing from the network (the default
 * CSP of MCP Apps: no connect, no remote scripts), with no border of the host's.
 */
export function readQueryView(): { contents: { uri: string; mimeType: string; text: string; _meta: Record<string, unknown> }[] } {
  return { contents: [{ uri: QUERY_VIEW_URI, mimeType: APP_MIME_TYPE, text: queryViewHtml(), _meta: { ui: { prefersBorder: false } } }] };
}
