// One journal entry with its lines (a reconciliation run's settlement, a refund's posting), loaded for users who may
// read the ledger; null while loading, without permission, or when there is no entry.
import { useLoaded } from '../../components/use-loaded.ts';
import { useSession } from '../../session.tsx';
import type { JournalEntry } from '../billing/billing-api.ts';
import { ledgerApi } from './ledger-api.ts';

export function useJournalEntry(entryId: string | null | undefined): JournalEntry | null {
  const { can } = useSession();
  const allowed = can('ledger:read');
  return useLoaded(allowed ? entryId : null, ledgerApi.entry, { clearWhileLoading: true }).data;
}
