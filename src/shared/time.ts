import { ValidationError } from './errors';

const UNIT_SECONDS: Record<string, number> = {
  y: 365 * 24 * 3600,
  w: 7 * 24 * 3600,
  d: 24 * 3600,
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
};

// Prometheus' duration syntax: units in decreasing order, each at most once (`1h30m`).
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNITS = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;
const NUMBER = /^\d+(?:\.\d+)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
// `now`, `now-1h`, `now+5m`, and `-1h` for `now-1h`.
const RELATIVE = /^(?:now|(?=-))(?:([+-])(.+))?$/;

export const TIME_HELP = 'use RFC3339 (2023-04-01T00:00:00Z), Unix seconds (1680307200), now / now-1h, or a duration ago (1h)';

/**
 * Unix seconds stop here (year 5138): a larger number is almost surely Unix
 * milliseconds, which read as seconds would ask for a time thousands of years away.
 */
const MAX_UNIX_SECONDS = 1e11;
/** Prometheus sends times and steps to the millisecond: a smaller step would be sent as 0. */
const MIN_STEP_SECONDS = 0.001;
export const STEP_HELP = 'use a Prometheus duration (30s, 5m, 1h) or a number of seconds';

/** Parses a Prometheus duration (`5m`, `1h30m`) into seconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (text === '' || match === null) return undefined;
  return DURATION_UNITS.reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * UNIT_SECONDS[unit]!, 0);
}

/** Parses a time into Unix seconds: RFC3339, Unix seconds, `now`, `now-1h`, `-1h`, `now+5m`, or `1h` (an hour ago). */
export function parseTime(field: string, value: string | number, nowSeconds: number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return unixSeconds(field, value);
  } else {
    const text = value.trim();
    if (NUMBER.test(text)) return unixSeconds(field, Number(text));
    const relative = RELATIVE.exec(text);
    if (relative !== null) {
      if (relative[1] === undefined) return nowSeconds;
      const offset = parseDuration(relative[2]!);
      if (offset !== undefined) return relative[1] === '-' ? nowSeconds - offset : nowSeconds + offset;
    } else if (parseDuration(text) !== undefined) {
      // A bare duration means that long ago: `1h` is an hour before now.
      return nowSeconds - parseDuration(text)!;
    } else if (RFC3339.test(text)) {
      if (!isRealDate(text)) {
        throw new ValidationError(`field '${field}' is not a valid time (${describe(value)}): no such date`);
      }
      const ms = Date.parse(text);
      if (!Number.isNaN(ms)) return ms / 1000;
    }
  }
  throw new ValidationError(`field '${field}' is not a valid time (${describe(value)}): ${TIME_HELP}`);
}

function unixSeconds(field: string, seconds: number): number {
  if (seconds >= MAX_UNIX_SECONDS) {
    throw new ValidationError(
      `field '${field}' (${describe(seconds)}) looks like Unix milliseconds: times are Unix seconds, ` +
        `e.g. ${formatSeconds(Math.floor(seconds / 1000))}`,
    );
  }
  return seconds;
}

/** Whether an RFC3339 text names a day that exists (V8 reads 2023-02-30 as March 2nd; Prometheus refuses it). */
function isRealDate(text: string): boolean {
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  const hour = Number(text.slice(11, 13));
  const minute = Number(text.slice(14, 16));
  const second = Number(text.slice(17, 19));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

/** Refuses a window whose end comes before its start. */
export function assertOrdered(start: number, end: number): void {
  if (end < start) {
    throw new ValidationError(`field 'end' (${formatSeconds(end)}) is before field 'start' (${formatSeconds(start)})`);
  }
}

/** Parses a range-query step into seconds; it must be at least a millisecond. */
export function parseStep(field: string, value: string | number): number {
  const seconds = typeof value === 'number' ? value : NUMBER.test(value.trim()) ? Number(value) : parseDuration(value.trim());
  if (seconds === undefined || !Number.isFinite(seconds)) {
    throw new ValidationError(`field '${field}' is not a valid step (${describe(value)}): ${STEP_HELP}`);
  }
  if (seconds <= 0) throw new ValidationError(`field '${field}' must be greater than zero (got ${describe(value)})`);
  if (seconds < MIN_STEP_SECONDS) {
    throw new ValidationError(`field '${field}' must be at least 1ms (got ${describe(value)}): Prometheus resolves steps to the millisecond`);
  }
  return seconds;
}

/** Formats Unix seconds as Prometheus expects them, to the millisecond. */
export function formatSeconds(seconds: number): string {
  return String(Math.round(seconds * 1000) / 1000);
}

function describe(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
