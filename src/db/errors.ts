/**
 * The constraint a statement broke with this SQLSTATE (23505 unique, 23P01 exclusion), on PGlite and node-postgres
 * alike, or undefined.
 */
export function constraintViolation(error: unknown, sqlState: string): string | undefined {
  for (let current = error as { code?: string; constraint?: string; cause?: unknown } | undefined; current; ) {
    if (current.code === sqlState) return current.constraint ?? '';
    current = current.cause as typeof current;
  }
  return undefined;
}

/** The constraint a unique violation broke (PostgreSQL 23505), or undefined. */
export const uniqueViolation = (error: unknown): string | undefined => constraintViolation(error, '23505');
