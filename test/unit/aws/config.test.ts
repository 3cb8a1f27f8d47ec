import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, paymentsConfigSchema } from '#lib/platform/aws/config.js';

const complete = { STAGE: 'local', AWS_REGION: 'us-east-1', TABLE_NAME: 't', CHAIN_REGISTRY: '[{}]' };

describe('loadConfig', () => {
  it('names every missing variable and says where they come from', () => {
    const { TABLE_NAME: _t, CHAIN_REGISTRY: _c, ...partial } = complete;
    expect(() => loadConfig(paymentsConfigSchema, partial)).toThrow(ConfigError);
    expect(() => loadConfig(paymentsConfigSchema, partial)).toThrow(/TABLE_NAME is not set; CHAIN_REGISTRY is not set\. Set these environment variables/);
  });

  it('says which variable is malformed', () => {
    expect(() => loadConfig(paymentsConfigSchema, { ...complete, STAGE: 'staging' })).toThrow(/STAGE is invalid/);
  });

  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(paymentsConfigSchema, { ...complete, HOLD_EXPIRY_SECONDS: '60' });
    expect(config.HOLD_EXPIRY_SECONDS).toBe(60);
    expect(config.LOG_LEVEL).toBe('INFO');
  });
});
