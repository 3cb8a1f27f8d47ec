import { LanepayError } from '../errors/index.js';

/** Why a WebSocket connection was refused at $connect. Never shown beyond "401". */
export type TokenRefusal = 'malformed' | 'unknown_or_used' | 'expired';

/** A realtime token that cannot open a connection: malformed, never issued, used already, or expired. */
export class RealtimeTokenError extends LanepayError<'unauthorized'> {
  override name = 'RealtimeTokenError';
  constructor(readonly reason: TokenRefusal, options?: ErrorOptions) {
    super('unauthorized', `The realtime token is ${reason.replace(/_/g, ' ')}; request a new one from POST /v1/realtime/tokens.`, options);
  }
}

/** Why a subscribe message was refused: the `code` of the error frame the client receives. */
export type SubscriptionRefusal =
  | 'outside_token_scope' | 'payment_not_found' | 'charge_not_found' | 'too_many_subscriptions' | 'not_connected'
  | 'message_too_large' | 'invalid_json' | 'validation_error';

/** A subscribe message refused; the client receives `code` and `detail` in an error frame. */
export class SubscriptionRefusedError extends LanepayError<SubscriptionRefusal> {
  override name = 'SubscriptionRefusedError';
}
