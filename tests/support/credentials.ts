/** Credentials the tests sign with and the AMP-like front accepts: test values, not AWS keys. */
export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The environment's credentials in every test: the stand-ins know them, and their role
 * may do nothing (tests/support/iam.ts); each function signs with its own key instead.
 */
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIDLOCALTESTFRONT',
  secretAccessKey: 'local-test-secret-for-the-amp-front',
  sessionToken: 'local-test-session-token',
};

export const TEST_REGION = 'us-east-1';

/** The account the test stack and its workspaces are in. */
export const TEST_ACCOUNT_ID = '123456789012';

/** The seed's example workspace, which the events use. */
export const TEST_WORKSPACE_ID = 'ws-12345678-abcd-1234-efgh-123456789012';
