import { LanepayError } from '../errors/index.js';
import type { StreamBatchInfo } from './replay.js';

/** Base of the replay's refusals: the message stays in the queue for another try. */
export abstract class OutboxReplayError<Code extends string> extends LanepayError<Code> {
  override name = 'OutboxReplayError';
}

/** The stream no longer holds the range (24 h retention on AWS): the records cannot be read back. */
export class StreamRangeGoneError extends OutboxReplayError<'stream_range_gone'> {
  override name = 'StreamRangeGoneError';
  constructor(readonly batch: StreamBatchInfo, options?: ErrorOptions) {
    super('stream_range_gone', `The stream no longer holds records ${batch.startSequenceNumber}..${batch.endSequenceNumber} of shard ${batch.shardId}.`, options);
  }
}
