/// <reference lib="dom" />
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Member } from './api.js';
import { fill } from './format.js';
import { statusText, type Locale, type MessageKey, type Messages } from './messages.js';
import type { Route } from './routes.js';

/** A chain of GET /v1/chains, as far as the console reads it. */
export interface ChainInfo {
  name: string;
  chain_id?: number;
  explorer_tx_url: string | null;
  assets?: unknown[];
}

export interface ConsoleContext {
  member: Member;
  locale: Locale;
  messages: Messages;
  chains: ChainInfo[];
  navigate(route: Route): void;
}

export const Context = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext & { t(key: MessageKey, values?: Record<string, string | number>): string; status(code: string): string } {
  const context = useContext(Context);
  if (!context) throw new Error('useConsole outside the console');
  return {
    ...context,
    t: (key, values) => (values ? fill(context.messages[key], values) : context.messages[key]),
    status: (code) => statusText(context.messages, code),
  };
}

const rank = { viewer: 0, approver: 1, admin: 2 } as const;

/** Whether the member's role reaches `role` (the API refuses the rest; the console hides it). */
export function canAct(member: Member, role: keyof typeof rank): boolean {
  return rank[member.role] >= rank[role];
}

/** Decimals of an asset from the chain registry, else the ones the console knows. */
export function decimalsFrom(chains: ChainInfo[], asset: string, fallback: number | undefined): number | undefined {
  for (const chain of chains) {
    for (const entry of chain.assets ?? []) {
      if (entry && typeof entry === 'object') {
        const record = entry as { symbol?: unknown; asset?: unknown; decimals?: unknown };
        if ((record.symbol === asset || record.asset === asset) && typeof record.decimals === 'number') return record.decimals;
      }
    }
  }
  return fallback;
}
