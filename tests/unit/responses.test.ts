import { ValidationError } from '../../src/shared/errors';
import { eventArguments, eventShape, SAMPLES_WORTH_SAYING, toolAnswer, toolText, toResult } from '../../src/shared/responses';

describe('events', () => {
  it('reads the seed shape, with the body as an object or a JSON string', () => {
    expect(eventShape({ body: { query: 'up' } })).toBe('body');
    expect(eventArguments({ body: { query: 'up' } }, 'body')).toEqual({ query: 'up' });
    expect(eventArguments({ body: '{"query":"up"}' }, 'body')).toEqual({ query: 'up' });
  });

  it('decodes a base64 body, as API Gateway sends binary bodies', () => {
    const body = Buffer.from('{"query":"up"}').toString('base64');
    expect(eventArguments({ body, isBase64Encoded: true }, 'body')).toEqual({ query: 'up' });
  });

  it('takes flat arguments as they are', () => {
    expect(eventShape({ query: 'up' })).toBe('flat');
    expect(eventArguments({ query: 'up' }, 'flat')).toEqual({ query: 'up' });
  });

  it.each([
    [{ body: '{"query": "up"' }, "field 'body' is not valid JSON"],
    [{ body: '[1,2]' }, "field 'body' must be a JSON object of arguments"],
    [{ body: null }, "field 'body' must be a JSON object of arguments"],
    [{ body: 'null' }, "field 'body' must be a JSON object of arguments"],
    [null, 'the event must be a JSON object of arguments'],
    ['up', 'the event must be a JSON object of arguments'],
    [[1], 'the event must be a JSON object of arguments'],
  ])('refuses %j', (event, message) => {
    const call = () => eventArguments(event, eventShape(event));
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(message);
  });
});

describe('results', () => {
  const envelope = { status: 'success' as const, data: { resultType: 'vector', result: [] } };

  it('answers a body event API Gateway-style', () => {
    expect(toResult('body', 200, envelope)).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(envelope),
    });
  });

  it('answers a flat event with the envelope itself', () => {
    expect(toResult('flat', 200, envelope)).toBe(envelope);
  });
});

describe('what a model reads of a tool call (toolAnswer, toolText)', () => {
  it('is the data alone when nothing besides it says something: a whole list, unwrapped, without total or truncated', () => {
    const envelope = { status: 'success' as const, data: { values: ['api-0', 'api-1'], total: 2, truncated: false } };
    expect(toolAnswer(envelope)).toEqual(['api-0', 'api-1']);
    expect(toolText(envelope)).toBe('["api-0","api-1"]');
  });

  it('keeps a cut list whole with its total, and says the cut beside the data', () => {
    const envelope = { status: 'success' as const, data: { values: ['a'], total: 9, truncated: true }, truncated: true as const, note: 'returned the first 1 of 9' };
    expect(toolAnswer(envelope)).toEqual({ data: { values: ['a'], total: 9, truncated: true }, truncated: true, note: 'returned the first 1 of 9' });
  });

  it("says a discovery's default window only beside an empty list (the tool's description says it)", () => {
    const window = 'the last 1h (default): pass start, e.g. 30d, for older data';
    expect(toolAnswer({ status: 'success', data: { values: ['a'], total: 1, truncated: false }, window } as never)).toEqual(['a']);
    expect(toolAnswer({ status: 'success', data: { values: [], total: 0, truncated: false }, window } as never)).toEqual({ data: [], window });
  });

  it('keeps hints and warnings, and drops a step the data already carries', () => {
    const data = { resultType: 'matrix', format: 'compact', step: 60, series: [] };
    expect(toolAnswer({ status: 'success', data, step: 60, hints: ['no metric x'] })).toEqual({ data, hints: ['no metric x'] });
    expect(toolAnswer({ status: 'success', data: { resultType: 'matrix', result: [] }, step: 60 })).toEqual({ data: { resultType: 'matrix', result: [] }, step: 60 });
    expect(toolAnswer({ status: 'success', data: 1, warnings: ['w'] })).toEqual({ data: 1, warnings: ['w'] });
  });

  it(`says samples processed from ${SAMPLES_WORTH_SAYING.toLocaleString('en-US')} up`, () => {
    const data = { resultType: 'vector', result: [] };
    expect(toolAnswer({ status: 'success', data, samples_processed: SAMPLES_WORTH_SAYING - 1 } as never)).toEqual(data);
    expect(toolAnswer({ status: 'success', data, samples_processed: SAMPLES_WORTH_SAYING } as never)).toEqual({ data, samples_processed: SAMPLES_WORTH_SAYING });
  });

  it('is the type and message of a failure, with the warnings Prometheus gave', () => {
    expect(toolText({ status: 'error', error: { type: 'bad_data', message: 'parse error' } })).toBe('bad_data: parse error');
    expect(toolText({ status: 'error', error: { type: 'bad_data', message: 'x' }, warnings: ['w1', 'w2'] })).toBe('bad_data: x (Prometheus warned: w1; w2)');
  });
});
