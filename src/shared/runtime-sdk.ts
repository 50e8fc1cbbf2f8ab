import type * as Amp from '@aws-sdk/client-amp';
import type * as CredentialProviderNode from '@aws-sdk/credential-provider-node';

/**
 * The AWS SDK v3 packages the functions take from the Lambda runtime instead of bundling
 * them (scripts/build-function.mjs marks them external): nodejs24.x ships the SDK in
 * /var/runtime/node_modules and exposes it through NODE_PATH, which only CommonJS'
 * `require` consults; an ES `import()` ignores NODE_PATH and would not find them there.
 * The bundles are CommonJS, so these load with `require`, on first use only: a function
 * pointed at PROMETHEUS_URL with credentials in its environment never loads either.
 */

let amp: typeof Amp | undefined;
let credentialProvider: typeof CredentialProviderNode | undefined;

/** @aws-sdk/client-amp (DescribeWorkspace, ListWorkspaces). */
export function ampSdk(): typeof Amp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (amp ??= require('@aws-sdk/client-amp') as typeof Amp);
}

/** @aws-sdk/credential-provider-node (the default credential chain beyond the environment). */
export function credentialProviderSdk(): typeof CredentialProviderNode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (credentialProvider ??= require('@aws-sdk/credential-provider-node') as typeof CredentialProviderNode);
}
