import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { HttpRequest } from './http';
import { credentialProviderSdk } from './runtime-sdk';

/**
 * SigV4 for AMP (`aps`) or CloudWatch (`monitoring`), with the SDK's default credential chain. Its first link,
 * the environment (where Lambda puts the function role's credentials), is read here;
 * the rest of the chain (profiles, SSO, IMDS…), a large module, is loaded only when the
 * environment has no credentials. Signed headers never leave this module except on the wire.
 */

const signers = new Map<string, SignatureV4>();
let chain: AwsCredentialIdentityProvider | undefined;

const credentials: AwsCredentialIdentityProvider = async () => {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (accessKeyId && secretAccessKey) {
    const identity: AwsCredentialIdentity = sessionToken
      ? { accessKeyId, secretAccessKey, sessionToken }
      : { accessKeyId, secretAccessKey };
    return identity;
  }
  chain ??= credentialProviderSdk().defaultProvider();
  return chain();
};

/** The services requests are signed for: AMP's workspaces, and CloudWatch's PromQL endpoint. */
export type SigningService = 'aps' | 'monitoring';

function signerFor(service: SigningService, region: string): SignatureV4 {
  const key = `${service} ${region}`;
  let signer = signers.get(key);
  if (signer === undefined) {
    signer = new SignatureV4({ service, region, credentials, sha256: Sha256 });
    signers.set(key, signer);
  }
  return signer;
}

export async function signRequest(request: HttpRequest, region: string, service: SigningService = 'aps'): Promise<HttpRequest> {
  const { url } = request;
  // Read the query string as AWS does: percent-decoding only (a `+` stays a plus).
  const query: Record<string, string | string[]> = {};
  for (const pair of url.search.slice(1).split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const key = decodeURIComponent(separator === -1 ? pair : pair.slice(0, separator));
    const value = separator === -1 ? '' : decodeURIComponent(pair.slice(separator + 1));
    const existing = query[key];
    query[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const signed = await signerFor(service, region).sign({
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
