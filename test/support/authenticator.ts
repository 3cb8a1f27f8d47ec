import { TOTP, URI } from 'otpauth';
import { waitFor } from './wait.js';

/**
 * A member's authenticator app, built from the otpauth:// URI `lanepay member add` printed. Each
 * code it hands out belongs to a later time step than the last (the server accepts a step once),
 * using the next step early when the current one is spent, as the server allows one step of drift.
 */
export class Authenticator {
  private readonly totp: TOTP;
  private lastStep = -1;

  constructor(uri: string) {
    this.totp = URI.parse(uri) as TOTP;
  }

  async nextCode(): Promise<string> {
    const wanted = this.lastStep + 1;
    // At most one step ahead of the clock; otherwise wait for the clock to catch up.
    await waitFor('the next TOTP step', () => (this.totp.counter() + 1 >= wanted ? true : undefined), { timeoutMs: 70_000, intervalMs: 250 });
    const step = Math.max(this.totp.counter(), wanted);
    this.lastStep = step;
    return this.totp.generate({ timestamp: step * this.totp.period * 1000 });
  }

  /** The code last handed out again: a replay. */
  lastCode(): string {
    return this.totp.generate({ timestamp: this.lastStep * this.totp.period * 1000 });
  }

  /** A code that is certainly wrong now (not the code of any accepted step). */
  wrongCode(): string {
    const accepted = new Set([-1, 0, 1].map((d) => this.totp.generate({ timestamp: (this.totp.counter() + d) * this.totp.period * 1000 })));
    for (let n = 0; ; n += 1) {
      const candidate = String(n).padStart(6, '0');
      if (!accepted.has(candidate)) return candidate;
    }
  }
}
