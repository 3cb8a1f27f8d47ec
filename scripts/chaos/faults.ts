import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { StackComponent, StackFaults } from '../stack/stack.js';

/**
 * What a chaos run does to the stack. Freezes (SIGSTOP, then SIGCONT) look like an AWS service that
 * times out or throttles: connections are accepted by the kernel and never answered. Kills (SIGKILL,
 * then a start on the same ports) only for what keeps its state across one: serverless offline
 * (stateless) and ElasticMQ (queues and messages on disk, the stack's durableQueues). moto, local-kms
 * and hardhat are frozen, never killed: moto and hardhat keep everything in memory, and local-kms is
 * the KMS the issue lists among the services to freeze.
 */
export type Fault =
  | { kind: 'freeze'; component: Exclude<StackComponent, 'offline'>; seconds: number }
  | { kind: 'kill'; component: 'sqs' | 'offline' };

export interface PlannedFault {
  /** Seconds after the workload starts. */
  atSeconds: number;
  /** When it should be over (a restart is reckoned at 10 s). */
  endsAtSeconds: number;
  fault: Fault;
}

const freezable = ['dynamodb', 'sqs', 'kms', 'local-a', 'local-b'] as const;
const killable = ['sqs', 'offline'] as const;

/**
 * A seeded schedule of faults, one at a time: first each kind once in a shuffled order (a freeze of
 * each frozen component, a kill of each killed one), even past `workloadSeconds` (the workload is
 * lengthened to cover them), then random ones while time remains. A gap of 2–10 s separates one
 * fault's end from the next one's start, so the system sometimes recovers in between and sometimes not.
 */
export function planFaults(seed: number, workloadSeconds: number, freezeSeconds: { min: number; max: number }): PlannedFault[] {
  const rng = xoroshiro128plus(seed);
  const int = (from: number, to: number) => uniformInt(rng, from, to);
  const freeze = (component: (typeof freezable)[number]): Fault => ({ kind: 'freeze', component, seconds: int(freezeSeconds.min, freezeSeconds.max) });
  const each: Fault[] = [...freezable.map(freeze), ...killable.map((component): Fault => ({ kind: 'kill', component }))];
  // Fisher-Yates with the seeded generator.
  for (let i = each.length - 1; i > 0; i -= 1) {
    const j = int(0, i);
    [each[i], each[j]] = [each[j]!, each[i]!];
  }
  const plan: PlannedFault[] = [];
  let at = int(3, 10);
  for (let i = 0; i < each.length || at < workloadSeconds; i += 1) {
    const fault = each[i] ?? (int(0, 2) === 0 ? { kind: 'kill' as const, component: killable[int(0, 1)]! } : freeze(freezable[int(0, freezable.length - 1)]!));
    // A kill and restart took 3-5 s at a load of 10-20 (ElasticMQ's JVM, offline); reckon 10 s.
    const endsAt = at + (fault.kind === 'freeze' ? fault.seconds : 10);
    plan.push({ atSeconds: at, endsAtSeconds: endsAt, fault });
    at = endsAt + int(2, 10);
  }
  return plan;
}

export interface FaultRecord {
  fault: Fault;
  startedAtMs: number;
  endedAtMs: number;
  /** Requests the workload had in flight when the fault began. */
  inFlight: number;
  error?: string;
}

/** Applies one fault and returns once the component is back (resumed, or restarted and answering). */
export async function applyFault(faults: StackFaults, fault: Fault, sleep: (ms: number) => Promise<void>): Promise<void> {
  if (fault.kind === 'freeze') {
    faults.signal(fault.component, 'SIGSTOP');
    try {
      await sleep(fault.seconds * 1000);
    } finally {
      faults.signal(fault.component, 'SIGCONT');
    }
    return;
  }
  await faults.restart(fault.component);
}

export function describeFault(fault: Fault): string {
  const names: Record<StackComponent, string> = {
    dynamodb: 'DynamoDB emulator (moto)', sqs: 'SQS emulator (ElasticMQ)', kms: 'KMS emulator (local-kms)',
    'local-a': 'chain local-a (hardhat)', 'local-b': 'chain local-b (hardhat)', offline: 'serverless offline',
  };
  return fault.kind === 'freeze' ? `froze ${names[fault.component]} for ${fault.seconds} s` : `killed and restarted ${names[fault.component]}`;
}
