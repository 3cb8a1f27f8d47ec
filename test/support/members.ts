import { expect } from 'vitest';
import { api } from './api.js';
import { Authenticator } from './authenticator.js';
import type { CliRun } from './cli.js';

/** A member as a test holds it: its id, its member key and an authenticator app with its TOTP secret. */
export interface Member {
  id: string;
  key: string;
  app: Authenticator;
  otpauthUri: string;
}

/** The JSON a CLI command printed, once it exited 0. */
export function cliOutput(run: CliRun): any {
  expect(run.code, `lanepay failed: ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout);
}

/** `lanepay member add` through the given CLI runner, its otpauth URI loaded into an authenticator. */
export async function addMember(lanepay: (...args: string[]) => Promise<CliRun>, merchantId: string, email: string): Promise<Member> {
  const added = cliOutput(await lanepay('member', 'add', '--merchant', merchantId, '--email', email));
  return { id: added.id, key: added.key, app: new Authenticator(added.otpauth_uri), otpauthUri: added.otpauth_uri };
}

/** A member's approve or reject, with the app's next code unless the test gives one. */
export async function decide(member: Member, approvalId: string, decision: 'approve' | 'reject', code?: string) {
  return api('POST', `/v1/approvals/${approvalId}/${decision}`, { key: member.key, body: {}, headers: { 'Lanepay-OTP': code ?? (await member.app.nextCode()) } });
}
