import { REGISTRY } from '../../src/operations';
import { defineOperation } from '../../src/operations/types';
import { actionsFor } from '../../src/shared/calls';
import { createHandler } from '../../src/shared/handler';
import { Optional, output, target, TObject, TString } from '../../src/shared/schemas';
import { toolDefinitions } from '../../src/shared/tools';
import { defineTool } from '../../src/tools/types';
import { lambdaContext } from '../../scripts/lib/lambda-context';

/**
 * A new operation is one file and one registry line, and a tool in front of it (a tool of
 * its own, or a mode of one): an operation and a tool defined here are routed, validated
 * and described to agents with nothing else written for them.
 */

const echo = defineOperation({
  name: 'echo_label',
  description: 'Echoes a label name. Example: {"label": "job"}.',
  args: TObject({ ...target, label: TString({ pattern: '^[a-z]+$' }), note: Optional(TString()) }, { additionalProperties: false }),
  output: output({ label: TString() }, 'The label echoed.'),
  calls: ['labels'],
  async run(args) {
    return { data: { label: args.label }, count: 1, upstreamBytes: 0 };
  },
});
const registry = [...REGISTRY, echo];
const echoTool = defineTool({
  name: 'echo',
  description: 'Echoes a label name. Example: {"label": "job"}.',
  args: TObject({ ...target, label: TString({ pattern: '^[a-z]+$' }), note: Optional(TString()) }),
  operations: [echo],
  route: (args) => ({ operation: 'echo_label', args }),
});

it('is routed by the router, by name or through its tool, and validated by its schema', async () => {
  const router = createHandler(registry, [echoTool]);
  expect(router.operations).toEqual([...REGISTRY.map((op) => op.name), 'echo_label']);
  expect(await router({ operation: 'echo_label', label: 'job' }, lambdaContext())).toEqual({ status: 'success', data: { label: 'job' } });
  // A tool call's answer is the data (the gateway's text).
  expect(await router({ label: 'job' }, lambdaContext({ toolName: 'echo', gateway: true }))).toEqual({ label: 'job' });
  expect(await router({ operation: 'echo_label', label: 'Job!' }, lambdaContext())).toEqual({
    status: 'error',
    error: { type: 'validation_error', message: "field 'label' must match ^[a-z]+$" },
  });
});

it('is described to agents, input and output, from its schema', () => {
  const tool = toolDefinitions([echoTool]).at(-1)!;
  expect(tool).toEqual({
    name: 'echo',
    description: 'Echoes a label name. Example: {"label": "job"}.',
    inputSchema: {
      type: 'object',
      properties: {
        workspace_id: expect.objectContaining({ type: 'string' }),
        region: expect.objectContaining({ type: 'string' }),
        label: { type: 'string', description: 'Must match ^[a-z]+$.' },
        note: { type: 'string' },
      },
      required: ['label'],
    },
    outputSchema: expect.objectContaining({
      type: 'object',
      required: ['status'],
      properties: expect.objectContaining({
        data: { type: 'object', description: "The answer, shaped by the operation the tool's arguments chose." },
      }),
    }),
    annotations: { readOnlyHint: true, openWorldHint: true },
  });
});

it('every registered operation has a unique name, a description with an example, and the IAM actions it needs', () => {
  expect(new Set(REGISTRY.map((op) => op.name)).size).toBe(REGISTRY.length);
  for (const op of REGISTRY) {
    expect(op.name).toMatch(/^[a-z][a-z_]*$/);
    expect(op.description).toMatch(/Example/);
    expect(actionsFor(op.calls).length).toBeGreaterThan(0);
    for (const action of actionsFor(op.calls)) expect(action).toMatch(/^aps:[A-Z][A-Za-z]+$/);
  }
});
