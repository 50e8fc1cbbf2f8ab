import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { createMcpServer, INSTRUCTIONS } from '../../src/mcp/server';
import { TOOLS } from '../../src/tools';

/**
 * The local MCP server's `instructions` (both protocol revisions send them: in the
 * initialize result and in server/discover's): what every tool shares, said once. Hosts
 * put them in the model's context with every conversation, so they stay short.
 */

const TOOL_NAMES = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'tools.json'), 'utf8')) as { name: string }[]).map((t) => t.name);

describe('the MCP server instructions', () => {
  it('stay under 100 tokens', () => {
    expect(countTokens(INSTRUCTIONS)).toBeLessThan(100);
  });

  it('give the workflow, discover → query, and name alerts', () => {
    const at = (name: string) => INSTRUCTIONS.search(new RegExp(`\\b${name}\\b`));
    expect(at('discover')).toBeGreaterThanOrEqual(0);
    expect(at('discover')).toBeLessThan(at('query'));
    expect(at('alerts')).toBeGreaterThan(0);
  });

  it('name only tools that exist, and arguments their operations take but their lists leave out', () => {
    const tools = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'tools.json'), 'utf8')) as { name: string; inputSchema: { properties: object } }[];
    const named = INSTRUCTIONS.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? [];
    expect(named).toEqual(['max_series', 'max_points']);
    const queryTool = TOOLS.find((tool) => tool.name === 'query')!;
    for (const arg of [...named, 'precision']) {
      expect(tools.find((tool) => tool.name === 'query')!.inputSchema.properties).not.toHaveProperty(arg);
      expect(queryTool.operations.some((op) => Object.hasOwn(op.args.properties, arg))).toBe(true);
    }
  });

  it('say the shared conventions: time formats, truncation and hints', () => {
    expect(INSTRUCTIONS).toMatch(/RFC3339, Unix seconds or a duration ago \(1h\)/);
    expect(INSTRUCTIONS).toContain('A cut answer has a note on narrowing');
    expect(INSTRUCTIONS).toContain('hints');
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
      // Without a default workspace, the server lists every tool of tools.json that reads: the
      // one that writes (silence) only with ALLOW_SILENCES, annotated as not read-only.
      expect(tools.map((t) => [t.name, t.annotations])).toEqual(TOOL_NAMES.filter((name) => name !== 'silence').map((name) => [name, { readOnlyHint: true, openWorldHint: true }]));
      const all = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'tools.json'), 'utf8')) as { name: string; annotations: unknown }[];
      expect(all.find((t) => t.name === 'silence')!.annotations).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
    } finally {
      await client.close();
    }
  });
});
