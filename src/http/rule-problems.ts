import type { RuleProblem, RuleViolations } from '../domain/field-rules.ts';
import { type Language, type MessageKey, type MessageParams, translate } from './messages.ts';
import { AppError } from './problem.ts';

/** How a field is named to a person: a label message and its parameters ({n} for the n-th item of a list). */
export interface FieldLabel {
  key: MessageKey;
  params?: MessageParams;
}

/**
 * A domain rule's violations as a 422 problem: every field with its own message (its label filled in as
 * {field}); the detail is that message when there is one problem, otherwise how many fields to correct.
 */
export function ruleViolationsError(
  violations: RuleViolations<MessageKey>,
  language: Language,
  labelOf: (path: string) => FieldLabel,
): AppError {
  const paramsOf = (problem: RuleProblem<MessageKey>): MessageParams => {
    const label = labelOf(problem.path);
    return { ...problem.params, field: translate(label.key, language, label.params) };
  };
  const errors = violations.problems.map((problem) => ({
    path: `body/${problem.path}`,
    message: translate(problem.code, language, paramsOf(problem)),
  }));
  const [only] = violations.problems;
  if (violations.problems.length === 1 && only) return new AppError(422, only.code, paramsOf(only), errors);
  return new AppError(422, 'rules_broken', { count: errors.length }, errors);
}

/** Problems with a request body's fields as one 422 problem (each under `body/…`), or undefined when there are none. */
export function bodyProblemsError(problems: readonly RuleProblem<MessageKey>[]): AppError | undefined {
  const [first] = problems;
  if (!first) return undefined;
  const errors = problems.map((problem) => ({
    path: `body/${problem.path}`,
    key: problem.code,
    params: problem.params,
  }));
  return new AppError(422, problems.length === 1 ? first.code : 'validation_failed', first.params, errors);
}
