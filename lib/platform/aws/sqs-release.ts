import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Makes failed records of a batch visible again at once, instead of after the queue's visibility
 * timeout (which must cover the function's timeout, so minutes on AWS). For records that cannot
 * succeed on a retry (a message that does not parse) or that were never tried (the FIFO processor
 * stops a batch at its first failure): a malformed message then reaches the dead-letter queue after
 * maxReceiveCount receives within seconds, rather than holding its FIFO group for
 * maxReceiveCount × the visibility timeout.
 */
export async function releaseForRetry(sqs: SQSClient, queueUrl: string, receiptHandles: string[]): Promise<void> {
  // ChangeMessageVisibilityBatch takes at most 10 entries, as an SQS batch holds.
  for (let start = 0; start < receiptHandles.length; start += 10) {
    const entries = receiptHandles.slice(start, start + 10).map((ReceiptHandle, index) => ({ Id: String(start + index), ReceiptHandle, VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}
