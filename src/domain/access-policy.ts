// Account security rules for staff logins. Numbers live here once.

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MIN_CLASSES = 3;
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_LOCK_MINUTES = 15;
/** Sessions also end this long after login, however active (a work day and a half). */
export const SESSION_MAX_HOURS = 36;

export type PasswordProblem = 'too_short' | 'too_few_classes' | 'contains_username';

/** Character classes: lower-case, upper-case, digit, other (symbol, CJK, …). */
export function passwordClasses(password: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((pattern) => pattern.test(password)).length;
}

/** The password policy: at least 8 characters from at least 3 classes, and not the username. */
export function checkPassword(password: string, username?: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) problems.push('too_short');
  if (passwordClasses(password) < PASSWORD_MIN_CLASSES) problems.push('too_few_classes');
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    problems.push('contains_username');
  }
  return problems;
}

/** After a failed attempt: the new failure count and, at the limit, when the lock ends. */
export function afterFailedLogin(failedBefore: number, now: Date): { failedLogins: number; lockedUntil: Date | null } {
  const failedLogins = failedBefore + 1;
  if (failedLogins >= LOGIN_MAX_FAILURES) {
    return { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOGIN_LOCK_MINUTES * 60_000) };
  }
  return { failedLogins, lockedUntil: null };
}

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}

export function isSessionExpired(
  session: { lastSeenAt: Date; expiresAt: Date },
  idleMinutes: number,
  now: Date,
): boolean {
  return (
    now.getTime() >= session.expiresAt.getTime() || now.getTime() - session.lastSeenAt.getTime() >= idleMinutes * 60_000
  );
}
