import { describe, expect, it } from 'vitest';
import { loadConfig, realtimePushConfigSchema, realtimeTokensConfigSchema } from '#lib/platform/aws/config.js';

const base = { STAGE: 'local', AWS_REGION: 'us-east-1', TABLE_NAME: 't' };

describe('realtime configuration', () => {
  it('defaults the token lifetime to 5 minutes', () => {
    const config = loadConfig(realtimeTokensConfigSchema, { ...base, REALTIME_WEBSOCKET_URL: 'wss://abc.execute-api.cn-north-1.amazonaws.com.cn/prod' });
    expect(config.REALTIME_TOKEN_TTL_SECONDS).toBe(300);
  });

  it('takes a ws or wss URL for clients, and refuses http', () => {
    expect(loadConfig(realtimeTokensConfigSchema, { ...base, REALTIME_WEBSOCKET_URL: 'ws://127.0.0.1:3001' }).REALTIME_WEBSOCKET_URL).toBe('ws://127.0.0.1:3001');
    expect(() => loadConfig(realtimeTokensConfigSchema, { ...base, REALTIME_WEBSOCKET_URL: 'https://abc.example' })).toThrow(/REALTIME_WEBSOCKET_URL is invalid/);
  });

  it('needs the management endpoint to push', () => {
    expect(() => loadConfig(realtimePushConfigSchema, base)).toThrow(/REALTIME_MANAGEMENT_ENDPOINT is not set/);
  });
});
