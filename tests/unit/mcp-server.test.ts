import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { createMcpServer, INSTRUCTIONS } from '../../src/mcp/server';

/**
 * The local MCP server's `instructions` (both protocol revisions send them: in the
 * initialize result and in server/discover's): what every tool shares, said once. Hosts
 * put them in the model's context with every conversation, so they stay short.
 */

const TOOL_NAMES = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'tools.json'), 'utf8')) as { name: string }[]).map((t) => t.name);

describe('the MCP server instructions', () => {
  it('stay under 250 tokens', () => {
    expect(countTokens(INSTRUCTIONS)).toBeLessThan(250);
  });

  it('give the workflow, list_metrics → list_labels / label_values → query, in that order', () => {
    const at = (name: string) => INSTRUCTIONS.search(new RegExp(`\\b${name}\\b`));
    expect(at('list_metrics')).toBeGreaterThanOrEqual(0);
    expect(at('list_metrics')).toBeLessThan(at('list_labels'));
    expect(at('list_labels')).toBeLessThan(at('label_values'));
    expect(at('label_values')).toBeLessThan(at('query'));
  });

  it('name only tools that exist', () => {
    const named = INSTRUCTIONS.match(/\b[a-z]+(?:_[a-z]+)+\b|\bquery\b/g) ?? [];
    expect(named.filter((name) => !TOOL_NAMES.includes(name))).toEqual([]);
  });

  it('say the shared conventions: time formats, answer formats, the envelope, truncation and hints', () => {
    expect(INSTRUCTIONS).toMatch(/RFC3339, Unix seconds, now-1h/);
    expect(INSTRUCTIONS).toMatch(/format: prometheus .*compact .*summary/);
    expect(INSTRUCTIONS).toContain('"truncated": true comes with a "note"');
    expect(INSTRUCTIONS).toContain('"hints"');
    expect(INSTRUCTIONS).toContain('{"status":"success","data":…}');
    expect(INSTRUCTIONS).toContain('{"status":"error","error":{"type","message"}}');
  });
});

describe('the MCP tool list', () => {
  it('annotates every tool read-only and open-world (it reads a Prometheus outside the server), as a real client reads it', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createMcpServer().connect(serverSide);
    const client = new Client({ name: 'prometheus-tools-test', version: '1.0.0' });
    await client.connect(clientSide);
    try {
      const { tools } = await client.listTools();
      // Without a default workspace, the server lists every tool of tools.json.
      expect(tools.map((t) => [t.name, t.annotations])).toEqual(TOOL_NAMES.map((name) => [name, { readOnlyHint: true, openWorldHint: true }]));
    } finally {
      await client.close();
    }
  });
});
