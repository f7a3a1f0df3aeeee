import { createHash } from 'node:crypto';

// The audit log is a hash chain: each entry's hash covers its content and the previous entry's hash,
// so changing or removing any entry breaks every link after it.

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEntry {
  chain: string;
  seq: number;
  orgId: string | null;
  at: Date;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  prevHash: string;
}

/** JSON with object keys sorted, so the same value always hashes the same after a round trip through jsonb. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function entryHash(entry: ChainedEntry): string {
  const fields: (keyof ChainedEntry)[] = [
    'chain',
    'seq',
    'orgId',
    'at',
    'actorKind',
    'actorId',
    'actorName',
    'action',
    'entityType',
    'entityId',
    'before',
    'after',
    'ip',
    'userAgent',
    'prevHash',
  ];
  const content = canonicalJson(Object.fromEntries(fields.map((field) => [field, entry[field]])));
  return createHash('sha256').update(content).digest('hex');
}

export type ChainBreak =
  | { reason: 'seq_gap'; expectedSeq: number; seq: number; id: number }
  | { reason: 'prev_hash_mismatch'; seq: number; id: number }
  | { reason: 'hash_mismatch'; seq: number; id: number }
  | { reason: 'head_mismatch'; seq: number; id: number | null };

/**
 * Walks one chain's entries in seq order (fed in batches) and finds the first broken link;
 * `finish` compares the end of the walk with the stored chain head, which catches removed tail entries.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private previousHash = GENESIS_HASH;
  private lastId: number | null = null;
  checked = 0;

  /** Returns the break this entry reveals, or null while the chain holds. */
  push(entry: ChainedEntry & { id: number; hash: string }): ChainBreak | null {
    this.checked++;
    this.lastId = entry.id;
    if (entry.seq !== this.expectedSeq) {
      return { reason: 'seq_gap', expectedSeq: this.expectedSeq, seq: entry.seq, id: entry.id };
    }
    if (entry.prevHash !== this.previousHash) return { reason: 'prev_hash_mismatch', seq: entry.seq, id: entry.id };
    if (entryHash(entry) !== entry.hash) return { reason: 'hash_mismatch', seq: entry.seq, id: entry.id };
    this.previousHash = entry.hash;
    this.expectedSeq++;
    return null;
  }

  finish(head: { seq: number; hash: string } | null): ChainBreak | null {
    const headSeq = head?.seq ?? 0;
    const headHash = head?.hash ?? GENESIS_HASH;
    if (headSeq !== this.expectedSeq - 1 || headHash !== this.previousHash) {
      return { reason: 'head_mismatch', seq: headSeq, id: this.lastId };
    }
    return null;
  }
}
