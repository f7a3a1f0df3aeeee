// Failpoints for the crash tests (test/faults, issue #9): `ASSETPAY_FAILPOINTS=after-commit:desk-payment` (several
// separated by commas) makes the process kill itself with SIGKILL when it reaches that point — after the transaction
// committed, before the HTTP answer is sent — as a power cut would, so a test can check that the client's retry gets
// the same answer and nothing is posted twice. Read once at start; inert unless the variable is set, and ignored in
// production (NODE_ENV=production).
//
//   after-commit:desk-payment          POST /api/v1/payments (collections/routes.ts), the payment committed
//   after-commit:payment-notification  POST /notify/{channel} (payments/notify.routes.ts), a payment posted

export type Failpoint = 'after-commit:desk-payment' | 'after-commit:payment-notification';

const armed: ReadonlySet<string> =
  process.env.NODE_ENV === 'production'
    ? new Set()
    : new Set(
        (process.env.ASSETPAY_FAILPOINTS ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      );

/** Kills this process at once (no cleanup, no answer) if the failpoint is armed; otherwise does nothing. */
export function failpoint(name: Failpoint): void {
  if (armed.size > 0 && armed.has(name)) process.kill(process.pid, 'SIGKILL');
}
