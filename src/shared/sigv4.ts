import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { HttpRequest } from './http';

/**
 * SigV4 for the `aps` service. Credentials come from the SDK's default provider chain
 * (in Lambda: the function role's variables), created once and cached by the chain
 * until they expire. Signed headers never leave this module except on the wire.
 */

let credentials: AwsCredentialIdentityProvider | undefined;
const signers = new Map<string, SignatureV4>();

function signerFor(region: string): SignatureV4 {
  let signer = signers.get(region);
  if (signer === undefined) {
    credentials ??= defaultProvider();
    signer = new SignatureV4({ service: 'aps', region, credentials, sha256: Sha256 });
    signers.set(region, signer);
  }
  return signer;
}

export async function signRequest(request: HttpRequest, region: string): Promise<HttpRequest> {
  const { url } = request;
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const signed = await signerFor(region).sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    path: url.pathname,
    query,
    headers: { ...request.headers, host: url.host },
    body: request.body,
  });
  return { ...request, headers: signed.headers };
}
