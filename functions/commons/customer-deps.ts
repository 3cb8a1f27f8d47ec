import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { kmsClient } from '../../lib/aws/clients/kms.js';
import { sqsClient } from '../../lib/aws/clients/sqs.js';
import { kycConfigSchema, loadConfig } from '../../lib/aws/config.js';
import type { CustomerDeps, KycCheckDeps } from '../../lib/customers/deps.js';
import { latestSanctionsList, loadLatestSanctionsIndex } from '../../lib/kyc/sanctions-store.js';
import type { SanctionsIndex } from '../../lib/kyc/screening/index.js';
import { logger } from '../../lib/observability/powertools.js';

let deps: CustomerDeps | undefined;

/** Customer API dependencies, once per container, from the validated environment. */
export function customerDeps(): CustomerDeps {
  if (deps) return deps;
  const config = loadConfig(kycConfigSchema);
  deps = {
    dynamodb: dynamodbClient(),
    kms: kmsClient(),
    sqs: sqsClient(),
    tableName: config.TABLE_NAME,
    dataKeyId: config.DATA_KEY_ID,
    fingerprintKeyId: config.API_KEY_DIGEST_KEY_ID,
    checkQueueUrl: config.KYC_CHECK_QUEUE_URL,
    now: () => new Date(),
  };
  return deps;
}

/** How often a warm container asks whether a newer list was loaded (one GetItem). */
const listCheckIntervalMs = 30_000;

/**
 * kyc-check's dependencies: the sanctions index of the latest stored list, loaded at cold start
 * and reloaded when a newer version appears (checked at most every 30 s, and on every schedule run).
 */
export function kycCheckDeps(): KycCheckDeps & { refreshSanctions: () => Promise<SanctionsIndex> } {
  const base = customerDeps();
  let loaded: Promise<SanctionsIndex> | undefined;
  let checkedAtMs = 0;
  const reloadIfNewer = async (force: boolean): Promise<SanctionsIndex> => {
    const nowMs = Date.now();
    if (loaded && !force && nowMs - checkedAtMs < listCheckIntervalMs) return loaded;
    checkedAtMs = nowMs;
    const current = loaded ? await loaded.catch(() => undefined) : undefined;
    const latest = await latestSanctionsList(base);
    if (!current || latest?.version !== current.version) {
      loaded = loadLatestSanctionsIndex(base);
      loaded.catch(() => { loaded = undefined; });
      const index = await loaded;
      logger.info('sanctions list loaded', { version: index.version, names: index.names.length });
    }
    return loaded!;
  };
  return {
    ...base,
    sanctions: () => reloadIfNewer(false),
    refreshSanctions: () => reloadIfNewer(true),
    log: (message, fields) => logger.info(message, fields),
  };
}
