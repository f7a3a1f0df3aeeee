import type { Executor, Orm } from '../../db/client.ts';
import { type ChainBreak, ChainVerifier, entryHash, GENESIS_HASH } from '../../domain/audit-chain.ts';
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

export const auditService = {
  /** Appends one entry to the actor's organisation chain, inside the caller's transaction. */
  async record(tx: Executor, actor: Actor, event: AuditEvent): Promise<void> {
    const orgId = event.orgId !== undefined ? event.orgId : actor.orgId;
    const chain = chainOf(orgId);
    const head = await auditRepository.lockChainHead(tx, chain, GENESIS_HASH);
    const entry = {
      chain,
      seq: head.seq + 1,
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
      prevHash: head.hash,
    };
    await auditRepository.append(tx, { ...entry, hash: entryHash(entry) });
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
