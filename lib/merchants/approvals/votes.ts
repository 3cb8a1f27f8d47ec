import { paginateQuery, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { readItem } from '#platform';

/**
 * Each member's approval of a request, kept in items of their own: `APPROVAL_VOTE#<request>` /
 * `MEMBER#<member>`. The request item is written by the functions that hold changes (a held
 * endpoint's request by webhooks, a held payout's by authorize), so nothing on it can be trusted to
 * say who approved or how many must; votes are written only by deciding (ApprovalsRole), each bound
 * to the change hash the member was shown, and they alone are counted.
 */
export interface Vote {
  member: string;
  /** The request's change_hash when the member approved: a vote counts only for that change. */
  changeHash: string;
  at: string;
}

export const votePartition = (approvalId: string) => `APPROVAL_VOTE#${approvalId}`;

export function voteKey(approvalId: string, memberId: string) {
  return { pk: { S: votePartition(approvalId) }, sk: { S: `MEMBER#${memberId}` } };
}

/** A member's vote, once: a second vote of the same member on the same request fails its condition. */
export function newVoteItem(tableName: string, approvalId: string, vote: Vote): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...voteKey(approvalId, vote.member), entity: { S: 'approval_vote' }, member: { S: vote.member }, changeHash: { S: vote.changeHash }, at: { S: vote.at } },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

const storedVoteSchema = z.object({ member: z.string(), changeHash: z.string(), at: z.string() });

/** Every vote on a request, oldest first (a strongly consistent read: a vote just written counts). */
export async function readVotes(deps: { dynamodb: DynamoDBClient; tableName: string }, approvalId: string): Promise<Vote[]> {
  const votes: Vote[] = [];
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: votePartition(approvalId) } },
    ConsistentRead: true,
  });
  for await (const page of pages) votes.push(...(page.Items ?? []).map((item) => readItem(storedVoteSchema, item)));
  return votes.sort((a, b) => a.at.localeCompare(b.at) || a.member.localeCompare(b.member));
}
