import { ValidationError } from './errors';

/**
 * The request and response contract. Events come as the seed's `{"body": {...}}`
 * (body an object or a JSON string, as API Gateway sends it) or as flat arguments
 * (direct invoke, Step Functions, Bedrock AgentCore Gateway). A `body` event gets an
 * API Gateway-style result; a flat one gets the envelope itself.
 */

export type EventShape = 'body' | 'flat';

export interface SuccessEnvelope {
  status: 'success';
  data: unknown;
  warnings?: string[];
  infos?: string[];
  /** Present when a limit or the response budget left something out; `note` says what. */
  truncated?: true;
  /** What was left out, and anything else the caller should know. */
  note?: string;
  /** Why an empty answer may be empty (query, range_query). */
  hints?: string[];
  /** The step range_query chose when none was given, in seconds. */
  step?: number;
}

export interface ErrorEnvelope {
  status: 'error';
  error: { type: string; message: string };
  /** Prometheus' own warnings, when its error answer had any. */
  warnings?: string[];
}

export type Envelope = SuccessEnvelope | ErrorEnvelope;

export interface ApiResult {
  statusCode: number;
  headers: { 'Content-Type': 'application/json' };
  body: string;
}

/**
 * The shape of an event, known even when its arguments are unusable. A tool call (the
 * gateway's, or the local MCP server's) is always flat: its arguments are the agent's,
 * and one named `body` must not turn the answer into an API Gateway result.
 */
export function eventShape(event: unknown, toolCall = false): EventShape {
  return !toolCall && isObject(event) && Object.hasOwn(event, 'body') ? 'body' : 'flat';
}

/** The arguments carried by an event, as a plain object. */
export function eventArguments(event: unknown, shape: EventShape): Record<string, unknown> {
  if (!isObject(event)) throw new ValidationError('the event must be a JSON object of arguments');
  if (shape === 'flat') return event;

  let body = event.body;
  if (typeof body === 'string') {
    const text = event.isBase64Encoded === true ? Buffer.from(body, 'base64').toString('utf8') : body;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ValidationError("field 'body' is not valid JSON");
    }
  }
  if (!isObject(body)) throw new ValidationError("field 'body' must be a JSON object of arguments");
  return body;
}

export function toResult(shape: EventShape, statusCode: number, envelope: Envelope): ApiResult | Envelope {
  if (shape === 'flat') return envelope;
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(envelope) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Below this, what a call cost is left to structuredContent, the logs and the SamplesProcessed metric. */
export const SAMPLES_WORTH_SAYING = 1_000_000;

/**
 * What a model reads of a tool call's answer: the data, and only what says something besides
 * it. Success or failure is the tool result's (MCP's isError); the whole envelope stays in
 * structuredContent and in direct invokes. So: no status; a list's `total` and `truncated`
 * only when it was cut; an object that is only a list, the list; the step chosen only where
 * the data does not carry it; a discovery's default window only beside an empty list;
 * samples processed only from SAMPLES_WORTH_SAYING up. When
 * nothing is besides the data, the answer is the data alone, else `{"data": …, "note": …}`.
 */
export function toolAnswer(envelope: SuccessEnvelope & { samples_processed?: number }): unknown {
  const { status: _status, data, samples_processed: samples, step, window, ...rest } = envelope as typeof envelope & { window?: unknown };
  const slim = slimData(data);
  const besides: Record<string, unknown> = { ...rest };
  // A discovery's default window (the last hour) is in the tool's description: said again only
  // beside an empty list, where it may be why.
  if (window !== undefined && Array.isArray(slim) && slim.length === 0) besides.window = window;
  if (step !== undefined && !(isObject(data) && data.step === step)) besides.step = step;
  if (samples !== undefined && samples >= SAMPLES_WORTH_SAYING) besides.samples_processed = samples;
  return Object.keys(besides).length === 0 ? slim : { data: slim, ...besides };
}

/** The text of a tool call's answer: its data (toolAnswer) on success, the message on failure. */
export function toolText(envelope: Envelope): string {
  if (envelope.status === 'success') return JSON.stringify(toolAnswer(envelope));
  const warnings = envelope.warnings === undefined ? '' : ` (Prometheus warned: ${envelope.warnings.join('; ')})`;
  return `${envelope.error.type}: ${envelope.error.message}${warnings}`;
}

function slimData(data: unknown): unknown {
  if (!isObject(data)) return data;
  const kept = data.truncated === false ? Object.fromEntries(Object.entries(data).filter(([k]) => k !== 'truncated' && k !== 'total')) : data;
  const keys = Object.keys(kept);
  return keys.length === 1 && Array.isArray(kept[keys[0]!]) ? kept[keys[0]!] : kept;
}
