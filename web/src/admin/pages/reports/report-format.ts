// How a report's cells read: money as ¥ with thousands separators, ratios as percents, areas and counts grouped,
// codes by their labels in the console's language. Exact: money and decimals never pass through a float.

import { formatFen } from '../../../shared/money.ts';
import type { Language } from '../../i18n.ts';
import type { ColumnKind, Label, ReportColumn } from './reports-api.ts';

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+$)/g, ',');

/** A decimal string as the API sends it ("16849.23", "-5") with thousands separators. */
export function groupDecimal(text: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text.trim());
  if (!match) return text;
  return `${match[1]}${group(match[2]!)}${match[3] ?? ''}`;
}

/** A ratio with 4 places ("0.9523") as a percent with 2 ("95.23%"). */
export function formatPercent(ratio: string | null | undefined): string {
  if (ratio === null || ratio === undefined || ratio === '') return '-';
  const match = /^(-?)(\d+)(?:\.(\d{0,4}))?$/.exec(ratio.trim());
  if (!match) return ratio;
  const basisPoints = BigInt(match[2]!) * 10_000n + BigInt((match[3] ?? '').padEnd(4, '0'));
  return `${match[1]}${group(String(basisPoints / 100n))}.${String(basisPoints % 100n).padStart(2, '0')}%`;
}

export const labelOf = (label: Label, language: Language) => (language === 'en' ? label.en : label.zh);

/** A code's label from the column's labels, else the code itself. */
export function codeLabel(labels: Record<string, Label> | undefined, code: unknown, language: Language): string {
  const label = labels?.[String(code)];
  return label ? labelOf(label, language) : String(code);
}

/** A cell as text (the table and the tests read the same). Empty cells read “-”. */
export function formatCell(column: Pick<ReportColumn, 'kind' | 'labels'>, value: unknown, language: Language): string {
  if (value === null || value === undefined || value === '') return '-';
  switch (column.kind) {
    case 'fen':
      return formatFen(typeof value === 'number' ? value : Number(value));
    case 'percent':
      return formatPercent(String(value));
    case 'integer':
    case 'area':
      return groupDecimal(String(value));
    case 'date':
      return String(value).slice(0, 10);
    default:
      return column.labels ? codeLabel(column.labels, value, language) : String(value);
  }
}

/** Numbers sit right so their digits line up. */
export const alignOf = (kind: ColumnKind): 'left' | 'right' =>
  kind === 'fen' || kind === 'percent' || kind === 'integer' || kind === 'area' ? 'right' : 'left';
