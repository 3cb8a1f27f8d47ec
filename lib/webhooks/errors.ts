import { LanepayError } from '../errors/index.js';

/** A merchant has as many webhook endpoints as it may; one must be deleted before another is made. */
export class EndpointLimitError extends LanepayError<'limit_exceeded'> {
  override name = 'EndpointLimitError';
  constructor(readonly limit: number) {
    super('limit_exceeded', `A merchant can have at most ${limit} webhook endpoints; delete one first.`);
  }
}
