import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { PlatformEvent } from '#money';

export interface AlertsDeps {
  sns: SNSClient;
  /** The stage's alerts topic (infra/alerts.yml), where CloudWatch alarms go too. */
  alertsTopicArn: string;
  /** The treasury function's queue: platform events it works on (#money treasuryWorkEventTypes) go there too. */
  treasuryQueueUrl: string;
}

/**
 * Publishes a platform event to the alerts topic. Machine subscribers (SQS, Lambda, HTTPS) get the
 * event's JSON; e-mail subscribers a few readable lines. SNS may deliver a message twice (and the
 * stream may relay an event twice): subscribers dedupe on the `eventId` attribute.
 */
export async function publishPlatformEvent(deps: AlertsDeps, event: PlatformEvent): Promise<void> {
  const json = JSON.stringify(event);
  await deps.sns.send(
    new PublishCommand({
      TopicArn: deps.alertsTopicArn,
      Subject: alertSubject(event),
      MessageStructure: 'json',
      Message: JSON.stringify({ default: json, email: alertText(event) }),
      MessageAttributes: {
        eventId: { DataType: 'String', StringValue: event.id },
        eventType: { DataType: 'String', StringValue: event.type },
      },
    }),
  );
}

/** SNS subjects are ASCII, without line breaks, under 100 characters. */
export function alertSubject(event: PlatformEvent): string {
  const where = [event.data.object.chain, event.data.object.asset].filter(Boolean).join(' ');
  const subject = `Lanepay ${event.type}${where ? ` on ${where}` : ''}`;
  return subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 99);
}

function alertText(event: PlatformEvent): string {
  const fields = Object.entries(event.data.object).map(([name, value]) => `  ${name}: ${value}`);
  return [`${event.type} at ${event.created_at} (${event.id})`, ...fields, '', 'docs/operations.md says what to do.'].join('\n');
}
