import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * An independent SigV4 verifier, written from AWS's specification with node:crypto
 * (it shares nothing with @smithy/signature-v4, the signer under test). Returns
 * undefined for a valid signature, or why it is not.
 */

export interface VerifierCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface IncomingSigned {
  method: string;
  /** Path and query string as sent on the wire. */
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 5 * 60 * 1000;

export function verifySigV4(
  request: IncomingSigned,
  credentials: VerifierCredentials,
  expected: { region: string; service: string },
  now: number = Date.now(),
): string | undefined {
  const auth = header(request, 'authorization');
  if (auth === undefined) return 'missing Authorization header';
  const match = AUTH.exec(auth);
  if (match === null) return 'malformed Authorization header';
  const [, accessKeyId, date, region, service, signedHeaderList, signature] = match as unknown as string[];

  if (accessKeyId !== credentials.accessKeyId) return 'unknown access key';
  if (region !== expected.region) return `credential scope region ${region} is not ${expected.region}`;
  if (service !== expected.service) return `credential scope service ${service} is not ${expected.service}`;

  const amzDate = header(request, 'x-amz-date');
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate)) return 'missing or malformed X-Amz-Date';
  if (!amzDate.startsWith(date!)) return 'X-Amz-Date does not match the credential scope date';
  const signedAt = Date.UTC(
    Number(amzDate.slice(0, 4)),
    Number(amzDate.slice(4, 6)) - 1,
    Number(amzDate.slice(6, 8)),
    Number(amzDate.slice(9, 11)),
    Number(amzDate.slice(11, 13)),
    Number(amzDate.slice(13, 15)),
  );
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) return 'request signed too long ago';

  const signedHeaders = signedHeaderList!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    return 'host and x-amz-date must be signed';
  }
  if (credentials.sessionToken !== undefined) {
    if (header(request, 'x-amz-security-token') !== credentials.sessionToken) return 'missing or wrong session token';
    if (!signedHeaders.includes('x-amz-security-token')) return 'the session token must be signed';
  }

  const [rawPath, rawQuery = ''] = splitOnce(request.rawUrl, '?');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(header(request, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = header(request, 'x-amz-content-sha256') ?? sha256Hex(request.body);
  let query: string;
  try {
    query = canonicalQuery(rawQuery);
  } catch {
    return 'malformed percent-encoding in the query string';
  }
  const canonicalRequest = [
    request.method,
    canonicalPath(rawPath!),
    query,
    canonicalHeaders,
    signedHeaderList,
    payloadHash,
  ].join('\n');

  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(Buffer.from(canonicalRequest))].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, date!);
  for (const part of [region!, service!, 'aws4_request']) key = hmac(key, part);
  const computed = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(signature!, 'hex');
  return timingSafeEqual(computed, given) ? undefined : 'signature does not match';
}

function header(request: IncomingSigned, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

// Non-S3 services sign the path as sent, URI-encoded once more, segment by segment.
function canonicalPath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => encodeRfc3986(segment))
    .join('/');
}

function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const [k, v = ''] = splitOnce(pair, '=');
      return [encodeRfc3986(uriDecode(k!)), encodeRfc3986(uriDecode(v))] as const;
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * AWS's rule, not HTML forms': percent-escapes are decoded and a `+` stays a literal
 * plus (canonicalized as %2B). A client that sends a space as `+` but signs it as
 * %20 fails here, as it fails on AMP.
 */
function uriDecode(text: string): string {
  return decodeURIComponent(text);
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function splitOnce(text: string, separator: string): [string, string?] {
  const i = text.indexOf(separator);
  return i === -1 ? [text] : [text.slice(0, i), text.slice(i + 1)];
}

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
