// A broken business rule about one input field, for the person who typed it: the field's path
// ('rentFree/0/to'), a code the HTTP layer turns into a message, and the values the message quotes.
// Also the checks every kind of terms shares: dates, rates, whole numbers and amounts in fen.

import { isCalendarDate } from './calendar.ts';
import { compareRational, parseRate, RATE_MAX_PLACES, type Rational, tryParseRate } from './money.ts';

export type FieldRuleCode =
  | 'field_date_invalid'
  | 'field_rate_format'
  | 'field_rate_too_precise'
  | 'field_rate_too_high'
  | 'field_rate_not_below'
  | 'field_whole_number_invalid'
  | 'field_fen_invalid';

export interface RuleProblem<Code extends string = string> {
  path: string;
  code: Code;
  params: Record<string, string | number>;
}

/** Thrown by a rule when its input breaks one or more rules; carries every problem found, not just the first. */
export class RuleViolations<Code extends string = string> extends Error {
  constructor(readonly problems: RuleProblem<Code>[]) {
    super(problems.map((problem) => `${problem.path}: ${problem.code}`).join('; '));
    this.name = 'RuleViolations';
  }
}

/** Collects problems; each check answers whether its field passed. */
export class ProblemList<Code extends string> {
  readonly problems: RuleProblem<Code | FieldRuleCode>[] = [];

  add(path: string, code: Code | FieldRuleCode, params: Record<string, string | number> = {}): false {
    this.problems.push({ path, code, params });
    return false;
  }

  date(path: string, value: unknown): value is string {
    return (typeof value === 'string' && isCalendarDate(value)) || this.add(path, 'field_date_invalid');
  }

  wholeNumber(path: string, value: unknown, min: number, max: number): value is number {
    return (
      (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) ||
      this.add(path, 'field_whole_number_invalid', { min, max })
    );
  }

  fen(path: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
    return (
      (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) ||
      this.add(path, 'field_fen_invalid', { min, max })
    );
  }

  /**
   * A rate: a decimal string, at most `max` (or below it when `below`). `example` is quoted back to the person.
   * Returns the exact rational, or null after recording the problem.
   */
  rate(path: string, value: unknown, limit: { max: string; below?: boolean; example: string }): Rational | null {
    const rate = typeof value === 'string' ? tryParseRate(value) : null;
    if (rate === null) {
      const tooPrecise = typeof value === 'string' && /^\d{1,12}\.\d+$/.test(value);
      if (tooPrecise) this.add(path, 'field_rate_too_precise', { places: RATE_MAX_PLACES });
      else this.add(path, 'field_rate_format', { example: limit.example });
      return null;
    }
    const order = compareRational(rate, parseRate(limit.max));
    if (limit.below ? order >= 0 : order > 0) {
      this.add(path, limit.below ? 'field_rate_not_below' : 'field_rate_too_high', { max: limit.max });
      return null;
    }
    return rate;
  }

  /** Throws when anything was recorded. */
  throwIfAny(): void {
    if (this.problems.length > 0) throw new RuleViolations(this.problems);
  }
}
