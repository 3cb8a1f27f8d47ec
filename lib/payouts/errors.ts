import { LanepayError } from '../errors/index.js';

/** A hot wallet rotation that cannot start or finish now (one under way, a key used before, changed meanwhile). */
export class RotationRefusedError extends LanepayError<'rotation_refused'> {
  override name = 'RotationRefusedError';
  constructor(detail: string) {
    super('rotation_refused', detail);
  }
}
