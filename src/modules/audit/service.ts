import type { Executor, Orm } from '../../db/client.ts';
import {
  type ChainBreak,
  type ChainedEntry,
  ChainVerifier,
  entryHash,
  GENESIS_HASH,
} from '../../domain/audit-chain.ts';
import { type AuditFilter, auditRepository } from './repository.ts';

/** Who did something, and from where: taken from the request by the routes. */
export interface Actor {
  kind: 'staff' | 'tenant' | 'system' | 'anonymous';
  orgId: string | null;
  id: string | null;
  name: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const systemActor: Actor = { kind: 'system', orgId: null, id: null, name: 'system', ip: null, userAgent: null };

export interface AuditEvent {
  action: string;
  entityType?: string;
  entityId?: string;
  before?: unknown;
  after?: unknown;
  /** The organisation the event belongs to, when the actor has none (e.g. a failed login). */
  orgId?: string | null;
}

const chainOf = (orgId: string | null) => orgId ?? 'system';
/** jsonb keeps what JSON keeps: dates become strings, undefined disappears. */
const asStored = (value: unknown) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

export interface ChainReport {
  chain: string;
  entries: number;
  valid: boolean;
  brokenAt: ChainBreak | null;
}

/** An entry as recorded, before it is chained: its content is fixed when recorded. */
type RecordedEntry = Omit<ChainedEntry, 'seq' | 'prevHash' | 'actorKind'> & { actorKind: Actor['kind'] };

/** Entries held for the end of a transaction (`auditService.writtenLast`), by that transaction. */
const heldEntries = new WeakMap<Executor, RecordedEntry[]>();

/**
 * Chains the entries and appends them: for each chain (in name order, so two writers never wait on each other's
 * heads crosswise), its head locked for the rest of the transaction, the entries in one statement, the head moved.
 */
async function appendEntries(tx: Executor, entries: RecordedEntry[]): Promise<void> {
  const chains = [...new Set(entries.map((entry) => entry.chain))].sort();
  for (const chain of chains) {
    const head = await auditRepository.lockChainHead(tx, chain, GENESIS_HASH);
    let { seq, hash: prevHash } = head;
    const rows = entries
      .filter((entry) => entry.chain === chain)
      .map((recorded) => {
        seq += 1;
        const entry = { ...recorded, seq, prevHash };
        prevHash = entryHash(entry);
        return { ...entry, hash: prevHash };
      });
    await auditRepository.append(tx, chain, rows);
  }
}

export const auditService = {
  /**
   * Appends one entry to the actor's organisation chain, inside the caller's transaction; inside `writtenLast`, the
   * entry is fixed now and written when that work ends.
   */
  async record(tx: Executor, actor: Actor, event: AuditEvent): Promise<void> {
    const orgId = event.orgId !== undefined ? event.orgId : actor.orgId;
    const entry: RecordedEntry = {
      chain: chainOf(orgId),
      orgId,
      at: new Date(),
      actorKind: actor.kind,
      actorId: actor.id,
      actorName: actor.name,
      action: event.action,
      entityType: event.entityType ?? null,
      entityId: event.entityId ?? null,
      before: asStored(event.before),
      after: asStored(event.after),
      ip: actor.ip,
      userAgent: actor.userAgent,
    };
    const held = heldEntries.get(tx);
    if (held) held.push(entry);
    else await appendEntries(tx, [entry]);
  },

  /**
   * Runs `work` in the transaction `tx` with the audit entries it records written at its end, together. An
   * organisation's chain head is locked from its first entry until commit, so every other change of that organisation
   * waits meanwhile: taken last, it is held for three statements instead of the whole use case (a payment
   * notification's posting waited on it most). The entries are the same, in the order recorded, and are written or
   * lost with the transaction.
   */
  async writtenLast<T>(tx: Executor, work: () => Promise<T>): Promise<T> {
    if (heldEntries.has(tx)) return work();
    const held: RecordedEntry[] = [];
    heldEntries.set(tx, held);
    let result: T;
    try {
      result = await work();
    } finally {
      heldEntries.delete(tx);
    }
    if (held.length > 0) await appendEntries(tx, held);
    return result;
  },

  list(db: Orm, filter: AuditFilter, page: number, pageSize: number) {
    return auditRepository.list(db, filter, page, pageSize);
  },

  /** Recomputes every chain (or the given org's) from its first entry and reports the first broken link. */
  async verify(
    db: Orm,
    onlyOrgId?: string,
  ): Promise<{ valid: boolean; checkedEntries: number; chains: ChainReport[] }> {
    const heads = await auditRepository.chains(db);
    const reports: ChainReport[] = [];
    for (const head of heads) {
      if (onlyOrgId && head.chain !== onlyOrgId) continue;
      const verifier = new ChainVerifier();
      let brokenAt: ChainBreak | null = null;
      let lastSeq = 0;
      for (;;) {
        const batch = await auditRepository.entriesAfter(db, head.chain, lastSeq, 2000);
        for (const entry of batch) {
          brokenAt = verifier.push(entry);
          if (brokenAt) break;
        }
        if (brokenAt || batch.length < 2000) break;
        lastSeq = batch.at(-1)!.seq;
      }
      brokenAt ??= verifier.finish(head);
      reports.push({ chain: head.chain, entries: verifier.checked, valid: brokenAt === null, brokenAt });
    }
    return {
      valid: reports.every((report) => report.valid),
      checkedEntries: reports.reduce((sum, report) => sum + report.entries, 0),
      chains: reports,
    };
  },
};
