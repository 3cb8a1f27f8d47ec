import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { StackError } from '../stack/errors.js';
import { emulatorEnv, serverlessBin } from '../stack/provision.js';
import { localChainEntries } from '../stack/registry.js';
import type { StackInfo } from '../stack/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface FunctionEnvironments {
  /** The environment one function sees on the local stage, as serverless-offline gives it. */
  of(functionName: string): NodeJS.ProcessEnv;
  names: string[];
  /** The function's `handler` in serverless.yml (`dist/<bundle>/handler.<export>`): several functions may share one bundle. */
  handlerOf(functionName: string): string;
}

/**
 * Renders serverless.yml for the local stage against `stack` (`serverless print`, about a second)
 * and returns each function's environment: provider-wide variables, the function's own, and the
 * emulator endpoints, exactly what serverless-offline hands the same function.
 */
export async function localFunctionEnvironments(stack: StackInfo): Promise<FunctionEnvironments> {
  const emulators = emulatorEnv(stack.endpoints);
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, [serverlessBin, 'print', '--stage', 'local', '--format', 'json'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...emulators,
        LANEPAY_CHAIN_REGISTRY: JSON.stringify(localChainEntries(stack.chains)),
        LANEPAY_WEBSOCKET_PORT: new URL(stack.websocketUrl).port,
      },
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    throw new StackError(`\`serverless print --stage local\` failed, so the functions' environment is unknown: ${(error as Error).message}`);
  }
  const rendered = JSON.parse(stdout) as {
    provider: { environment?: Record<string, string> };
    functions: Record<string, { environment?: Record<string, string>; timeout?: number; handler?: string }>;
  };
  return {
    names: Object.keys(rendered.functions),
    handlerOf(functionName) {
      return rendered.functions[functionName]?.handler ?? `dist/${functionName}/handler.handler`;
    },
    of(functionName) {
      const fn = rendered.functions[functionName];
      if (!fn) throw new StackError(`serverless.yml has no function ${functionName}: pick one of ${Object.keys(rendered.functions).join(', ')}.`);
      return { ...rendered.provider.environment, ...fn.environment, ...emulators, AWS_LAMBDA_FUNCTION_NAME: `lanepay-local-${functionName}` };
    },
  };
}
