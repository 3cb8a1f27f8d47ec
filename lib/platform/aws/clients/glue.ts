import { GlueClient } from '@aws-sdk/client-glue';
import { tracer } from '../../observability/powertools.js';

let glue: GlueClient | undefined;

export function glueClient(): GlueClient {
  glue ??= tracer.captureAWSv3Client(new GlueClient({ maxAttempts: 4 }));
  return glue;
}
