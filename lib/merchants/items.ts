/**
 * Keys of the merchant entities: the one module that spells `MERCHANT#`, `APIKEY#` and `KEYID#`.
 * Their partitions are what IAM's dynamodb:LeadingKeys conditions keep other roles away from
 * (infra/*.yml, docs/security.md): nothing but the operator's CLI writes them.
 */
export function merchantProfileKey(merchantId: string) {
  return { pk: { S: `MERCHANT#${merchantId}` }, sk: { S: 'PROFILE' } };
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
