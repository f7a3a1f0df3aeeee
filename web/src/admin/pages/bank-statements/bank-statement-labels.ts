// How bank statement line statuses, directions, matches and suggestion reasons read in the console's language.

import { formatFen } from '../../../shared/money.ts';
import type { ValueEnum } from '../../components/ListPage.tsx';
import type { Translate } from '../assets/asset-labels.ts';
import { providerLabel } from '../payments/payment-labels.ts';
import type { Suggestion, SuggestionReason } from './bank-statements-api.ts';

export const lineStatusEnum = (t: Translate): ValueEnum => ({
  unmatched: { text: t('bankStatement.status.unmatched'), status: 'warning' },
  confirmed: { text: t('bankStatement.status.confirmed'), status: 'success' },
  ignored: { text: t('bankStatement.status.ignored'), status: 'default' },
});

export const directionEnum = (t: Translate): ValueEnum => ({
  credit: { text: t('bankStatement.direction.credit'), status: 'processing' },
  debit: { text: t('bankStatement.direction.debit'), status: 'default' },
});

export const matchKindLabel = (kind: string | null, t: Translate) =>
  kind === 'link_payment'
    ? t('bankStatement.match.link_payment')
    : kind === 'link_settlement'
      ? t('bankStatement.match.link_settlement')
      : kind === 'recorded'
        ? t('bankStatement.match.recorded')
        : '-';

export function reasonText(reason: SuggestionReason, t: Translate): string {
  switch (reason.code) {
    case 'bill_number_in_reference':
      return t('bankStatement.reason.billInReference', { bills: (reason.billNumbers ?? []).join('、') });
    case 'amount_equals_bills':
      return t('bankStatement.reason.amountEquals');
    case 'payer_is_tenant':
      return t('bankStatement.reason.payerIsTenant', { tenant: reason.tenantName ?? '' });
    case 'payment_same_amount':
      return t('bankStatement.reason.paymentSameAmount', {
        number: reason.paymentNumber ?? '',
        days: reason.days ?? 0,
      });
    case 'reference_is_serial':
      return t('bankStatement.reason.referenceIsSerial');
    case 'settlement_net_equals':
      return t('bankStatement.reason.settlement', {
        provider: providerLabel(reason.provider ?? '', t),
        date: reason.statementDate ?? '',
        days: reason.days ?? 0,
      });
  }
}

export function suggestionTitle(suggestion: Suggestion, t: Translate): string {
  if (suggestion.kind === 'link_payment') {
    return t('bankStatement.suggest.linkPayment', {
      number: suggestion.paymentNumber ?? '',
      tenant: suggestion.tenantName ?? '',
    });
  }
  if (suggestion.kind === 'link_settlement') return t('bankStatement.suggest.linkSettlement');
  if (suggestion.bills.length === 0) {
    return t('bankStatement.suggest.recordTenant', { tenant: suggestion.tenantName ?? '' });
  }
  return t('bankStatement.suggest.recordBills', {
    tenant: suggestion.tenantName ?? '',
    bills: suggestion.bills.map((bill) => bill.number).join('、'),
    amount: formatFen(suggestion.billsFen),
  });
}
