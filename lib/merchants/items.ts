/**
 * Keys of the merchant entities: the one module that spells `MERCHANT#`, `APIKEY#` and `KEYID#`.
 * Their partitions are what IAM's dynamodb:LeadingKeys conditions keep other roles away from
 * (infra/*.yml, docs/security.md): nothing but the operator's CLI writes them.
 */
export function merchantProfileKey(merchantId: string) {
  return { pk: { S: merchantPartition(merchantId) }, sk: { S: 'PROFILE' } };
}

/** The lists of a merchant's objects on gsi1, one partition each, sorted by id (ids are time-ordered). */
export type MerchantList = 'CHARGES' | 'CUSTOMERS' | 'EVENTS' | 'MEMBERS' | 'PAYMENTS' | 'REFUNDS' | 'WEBHOOK_ENDPOINTS' | `APPROVALS#${string}`;

/**
 * The gsi1 partition listing one kind of a merchant's objects. An index key, not a table one: the
 * LeadingKeys conditions on `MERCHANT#<id>` (table partitions) do not reach it.
 */
export function merchantListPartition(merchantId: string, list: MerchantList): string {
  return `${merchantPartition(merchantId)}#${list}`;
}

function merchantPartition(merchantId: string): string {
  return `MERCHANT#${merchantId}`;
}

/** An API key by its KMS digest: what keys issued without their id are found by. */
export function apiKeyKey(digest: string) {
  return { pk: { S: `APIKEY#${digest}` }, sk: { S: 'APIKEY' } };
}

/**
 * The same API key by its public id, which is part of the key: what the authorizer reads first
 * (before any KMS call) and what revocation finds it by.
 */
export function keyIdKey(keyId: string) {
  return { pk: { S: `KEYID#${keyId}` }, sk: { S: 'KEYID' } };
}
