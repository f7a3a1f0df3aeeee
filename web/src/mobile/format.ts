// What the portal's pages say about bills and dates, in one place.

/** Today in China time as YYYY-MM-DD, the calendar the bills' due dates use. */
export function chinaToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/** Whole days from one YYYY-MM-DD to another (calendar dates, no time of day). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export const billKindNames: Record<string, string> = {
  rent: '租金',
  deposit: '保证金',
  charge: '费用',
  final: '终止结算',
};

/** "2026-03-01 至 2026-03-31", or the due date for a bill without a period (a deposit, a one-off charge). */
export function billPeriod(bill: { periodStart?: string | null; periodEnd?: string | null; dueDate?: string }): string {
  if (bill.periodStart && bill.periodEnd) return `${bill.periodStart} 至 ${bill.periodEnd}`;
  return bill.dueDate ? `${bill.dueDate} 到期` : '';
}

/** A timestamp as China time, "2026-03-05 14:03". */
export function chinaDateTime(iso: string): string {
  const parts = new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

export type TagColor = 'default' | 'primary' | 'success' | 'warning' | 'danger';

export const weakText = { color: 'var(--adm-color-weak)' } as const;
