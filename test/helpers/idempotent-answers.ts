// Issue #9: an idempotent request's answer commits with its work (src/http/idempotency.ts answeredInOneTransaction).
// A crash between the commit and the reply must leave the answer for the client's retry; otherwise the retry finds the
// key still running (409) and, once that key is stale, does the work again. The check: a deferred trigger on the audit
// log (every use case writes one) refuses any commit that leaves a key of ANSWER_CHECKED_KEY's making unanswered, as a
// crash right after that commit would have left it. The real kill -9 is test/faults/after-commit.test.ts.
import { type Orm, queryRows, sql } from '../../src/db/client.ts';

const PREFIX = 'answer-checked-';
let made = 0;

/** A fresh Idempotency-Key whose answer the installed check requires in the work's own transaction. */
export const answerCheckedKey = (what: string) => `${PREFIX}${what}-${++made}`;

/** Installs the check in this test file's database. */
export async function checkAnswersCommitWithWork(db: Orm) {
  await db.execute(
    sql.raw(`
      CREATE FUNCTION test_answer_committed_with_work() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM idempotency_keys WHERE key LIKE '${PREFIX}%' AND status_code IS NULL) THEN
          RAISE EXCEPTION 'an idempotent request committed its work without its answer';
        END IF;
        RETURN NULL;
      END $$`),
  );
  await db.execute(
    sql.raw(`
      CREATE CONSTRAINT TRIGGER test_answer_committed_with_work AFTER INSERT ON audit_log
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_answer_committed_with_work()`),
  );
}

/** What the key holds: the status and body a retry with it is answered. */
export async function storedAnswer(db: Orm, key: string) {
  const [stored] = await queryRows<{ statusCode: number | null; response: unknown }>(
    db,
    sql`SELECT status_code AS "statusCode", response FROM idempotency_keys WHERE key = ${key}`,
  );
  return stored;
}
