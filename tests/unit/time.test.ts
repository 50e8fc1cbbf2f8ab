import { ValidationError } from '../../src/shared/errors';
import { formatSeconds, parseDuration, parseStep, parseTime } from '../../src/shared/time';

const NOW = 1680310800; // 2023-04-01T01:00:00Z

describe('parseTime', () => {
  it.each([
    ['2023-04-01T00:00:00Z', 1680307200],
    ['2023-04-01T00:00:00.5Z', 1680307200.5],
    ['2023-04-01T02:00:00+02:00', 1680307200],
    ['1680307200', 1680307200],
    ['1680307200.25', 1680307200.25],
    [1680307200, 1680307200],
    ['now', NOW],
    ['now-1h', NOW - 3600],
    ['now-1h30m', NOW - 5400],
    ['now+5m', NOW + 300],
    ['-1h', NOW - 3600],
    ['-1h30m', NOW - 5400],
    ['-90s', NOW - 90],
    [' -500ms ', NOW - 0.5],
    ['1h', NOW - 3600],
    ['90m', NOW - 5400],
    ['1h30m', NOW - 5400],
  ])('parses %j', (input, expected) => {
    expect(parseTime('time', input, NOW)).toBe(expected);
  });

  it.each(['yesterday', '2023-04-01', 'now-1x', 'now-', '-5', '', 'now - 1h', '-', '--1h', '-now', '-1.5h', '+1h', '- 1h'])('rejects %j naming the field and the forms', (input) => {
    const call = () => parseTime('start', input, NOW);
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(/^field 'start' is not a valid time \(.*\): use RFC3339/);
  });

  it.each(['2023-02-30T00:00:00Z', '2023-02-29T12:00:00Z', '2023-04-31T00:00:00Z', '2023-13-01T00:00:00Z', '2023-04-01T24:00:00Z'])(
    'refuses the impossible date %j, as Prometheus does',
    (input) => {
      expect(() => parseTime('start', input, NOW)).toThrow(`field 'start' is not a valid time ("${input}"): no such date`);
    },
  );

  it('accepts a leap day', () => {
    expect(parseTime('start', '2024-02-29T00:00:00Z', NOW)).toBe(1709164800);
  });

  it.each([1680307200000, '1680307200000'])('refuses Unix milliseconds %j with a hint', (input) => {
    expect(() => parseTime('start', input, NOW)).toThrow(
      "field 'start' (1680307200000) looks like Unix milliseconds: times are Unix seconds, e.g. 1680307200",
    );
  });

  it('rejects a negative or non-finite number', () => {
    expect(() => parseTime('time', -1, NOW)).toThrow(ValidationError);
    expect(() => parseTime('time', Number.POSITIVE_INFINITY, NOW)).toThrow(ValidationError);
  });
});

describe('parseDuration and parseStep', () => {
  it.each([
    ['5m', 300],
    ['1h30m', 5400],
    ['1d', 86400],
    ['1w', 604800],
    ['1y', 31536000],
    ['500ms', 0.5],
    ['15s', 15],
  ])('%s is %d seconds', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['', '5', 'm5', '5m1h', '1.5m', '5 m'])('%j is not a duration', (text) => expect(parseDuration(text)).toBeUndefined());

  it('takes a step as a duration or as seconds', () => {
    expect(parseStep('step', '5m')).toBe(300);
    expect(parseStep('step', '30')).toBe(30);
    expect(parseStep('step', 0.5)).toBe(0.5);
  });

  it('refuses a step of zero or less, and one that is not a step', () => {
    expect(() => parseStep('step', 0)).toThrow("field 'step' must be greater than zero (got 0)");
    expect(() => parseStep('step', '0s')).toThrow("field 'step' must be greater than zero");
    expect(() => parseStep('step', -5)).toThrow("field 'step' must be greater than zero");
    expect(() => parseStep('step', 'often')).toThrow(/^field 'step' is not a valid step \("often"\)/);
  });

  it('formats seconds to the millisecond', () => {
    expect(formatSeconds(1680307200)).toBe('1680307200');
    expect(formatSeconds(1680307200.12345)).toBe('1680307200.123');
  });
});
