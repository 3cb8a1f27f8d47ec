import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { KeyCheckCache } from '../key-check-cache.js';
import type { SignInLimits } from './rate-limit.js';

/** What the console's sessions need; the console function builds it once per container. */
export interface SessionDeps {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  tableName: string;
  /** The HMAC key member keys are digested with (sign-in with a member key). */
  apiKeyDigestKeyId: string;
  /** The HMAC key session tokens are signed with. */
  sessionKeyId: string;
  now: () => Date;
  signInLimits: SignInLimits;
  keyCache?: KeyCheckCache;
  acceptLegacyKeys?: boolean;
}

/** 15 minutes without a request through the console ends a session. */
export const sessionIdleMs = 15 * 60_000;
/** 12 hours after sign-in a session ends, however busy. */
export const sessionAbsoluteMs = 12 * 3600_000;
