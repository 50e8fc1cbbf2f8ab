import { ValidationError } from '../../src/shared/errors';
import { eventArguments, eventShape, toResult } from '../../src/shared/responses';

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
