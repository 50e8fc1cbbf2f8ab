import fc from 'fast-check';
import { ArrayCut } from '../../src/shared/array-cut';

/** Feeds `text` to a cut in the chunks `sizes` give (cycled), as a socket would. */
function cut(text: string, path: string[], keepBytes: number, sizes: number[] = [text.length]) {
  const bytes = Buffer.from(text, 'utf8');
  const reader = new ArrayCut(path, keepBytes);
  for (let at = 0, n = 0; at < bytes.length; n++) {
    const size = Math.max(1, sizes[n % sizes.length]!);
    reader.push(bytes.subarray(at, at + size));
    at += size;
  }
  return reader.end();
}

const json = fc.jsonValue({ maxDepth: 3 });
/** Elements with what trips a scanner: quotes, backslashes, brackets and commas in strings, UTF-8. */
const element = fc.oneof(
  json,
  fc.record({ metric: fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })), value: fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()) }),
  fc.constantFrom('a"b', 'c\\', '[{,}]', 'Zürich 東京', '\\"', ''),
);

describe('ArrayCut', () => {
  it('keeps the whole answer when it fits, whatever the chunks', () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }), json, (result, sizes, stats) => {
        const answer = { status: 'success', data: { resultType: 'matrix', result, stats }, warnings: ['w'] };
        const text = JSON.stringify(answer, null, result.length % 2 === 0 ? undefined : 1);
        const out = cut(text, ['data', 'result'], 1e9, sizes);
        expect(out.json).toEqual(JSON.parse(text));
        expect([out.total, out.kept, out.bytes]).toEqual([result.length, result.length, Buffer.byteLength(text)]);
      }),
    );
  });

  it('keeps the first whole elements within keepBytes, counts the rest, and keeps what follows the array', () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 30 }), fc.integer({ min: 0, max: 400 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }), (result, keep, sizes) => {
        const text = JSON.stringify({ status: 'success', data: { resultType: 'vector', result }, infos: ['i'] });
        const out = cut(text, ['data', 'result'], keep, sizes);
        // The longest prefix of the elements whose bytes, with a comma each, fit.
        let kept = 0;
        let used = 0;
        for (const e of result) {
          const size = Buffer.byteLength(JSON.stringify(e));
          if (used + size > keep) break;
          used += size + 1;
          kept++;
        }
        expect(out).toMatchObject({ total: result.length, kept });
        expect(out.json).toEqual({ status: 'success', data: { resultType: 'vector', result: result.slice(0, kept) }, infos: ['i'] });
      }),
    );
  });

  it('finds the array by its path only: a discovery answer\'s data, not an array of the same name elsewhere', () => {
    const text = '{"status":"success","result":[1,2],"data":["a","b","c"],"warnings":["results truncated"]}';
    expect(cut(text, ['data'], 4, [3])).toEqual({ json: { status: 'success', result: [1, 2], data: ['a'], warnings: ['results truncated'] }, total: 3, kept: 1, bytes: text.length });
    expect(cut(text, ['data', 'result'], 100).json).toEqual(JSON.parse(text));
  });

  it('reads an answer without the array (an error, a scalar) whole', () => {
    const error = '{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory in query execution"}';
    expect(cut(error, ['data', 'result'], 10)).toEqual({ json: JSON.parse(error), total: 0, kept: 0, bytes: error.length });
  });

  it('holds at most maxOtherBytes outside the array: an answer without it, or a long rest, overflows', () => {
    const warnings = Array.from({ length: 50 }, (_, i) => `warning ${i}`);
    const text = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ a: 1 }] }, warnings });
    const reader = new ArrayCut(['data', 'result'], 1000, 200);
    reader.push(Buffer.from(text));
    expect(reader.overflowed).toBe(true);
    expect(() => reader.end()).toThrow(RangeError);
    const within = new ArrayCut(['data', 'result'], 1000, text.length);
    within.push(Buffer.from(text));
    expect(within.end().json).toEqual(JSON.parse(text));
  });

  it('refuses an answer cut short', () => {
    expect(() => cut('{"status":"success","data":{"result":[{"a":1},', ['data', 'result'], 100)).toThrow(SyntaxError);
  });

  it('holds no more than keepBytes of a large answer', () => {
    const series = Array.from({ length: 20_000 }, (_, i) => ({ metric: { __name__: 'http_requests_total', pod: `api-${i}` }, value: [1680307200, String(i)] }));
    const text = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: series } });
    const out = cut(text, ['data', 'result'], 10_000, [65_536]);
    expect(out.total).toBe(20_000);
    // Each series is 77 to 85 bytes, a comma after each.
    let used = 0;
    const fit = series.findIndex((e) => (used += Buffer.byteLength(JSON.stringify(e)) + 1) - 1 > 10_000);
    expect(out.kept).toBe(fit);
    expect(fit).toBeGreaterThan(100);
    expect(Buffer.byteLength(JSON.stringify(out.json))).toBeLessThan(10_100);
  });
});
