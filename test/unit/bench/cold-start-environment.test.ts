import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import * as config from '#lib/platform/aws/config.js';
import { benchEnvironment } from '../../../bench/cold-start-environment.js';

/**
 * bench:cold-start imports every bundle in a made-up environment; a function whose config grew a
 * variable the bench does not set fails at import and the bench measures nothing (it did, when the
 * console's session key came). Every function's config schema must accept the environment.
 */
describe('bench:cold-start environment', () => {
  const schemas = Object.entries(config).filter(([name]) => name.endsWith('ConfigSchema'));

  it('finds the function config schemas to check', () => {
    expect(schemas.map(([name]) => name)).toContain('authorizerConfigSchema');
  });

  it.each(schemas)('is accepted by %s', (_name, schema) => {
    const result = z.safeParse(schema as z.ZodMiniType, benchEnvironment);
    expect(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([]);
  });
});
