// The embedded database's upkeep. PostgreSQL's autovacuum gathers planner statistics and clears dead rows by
// itself; PGlite runs single-user, without autovacuum, so without this job its tables never get statistics (the
// vouchers report ran about 5 times slower on the demo for want of them) and deleted or updated rows are never
// cleared. The job does what autovacuum would, with autovacuum's default thresholds.
import { type Orm, queryRows, sql } from './client.ts';

/** autovacuum_analyze_threshold and _scale_factor: analyzed after 50 rows + 10% of the table have changed. */
const ANALYZE_BASE_ROWS = 50;
const ANALYZE_SCALE = 0.1;
/** autovacuum_vacuum_threshold and _scale_factor: vacuumed once 50 rows + 20% of the table are dead. */
const VACUUM_BASE_ROWS = 50;
const VACUUM_SCALE = 0.2;

export interface MaintenanceDone {
  analyzed: string[];
  vacuumed: string[];
}

/**
 * Analyzes the tables whose rows changed enough since their last ANALYZE (or never analyzed) and vacuums those with
 * enough dead rows, as autovacuum would. Each runs as a statement of its own, outside any transaction.
 */
export async function maintainTables(db: Orm): Promise<MaintenanceDone> {
  // Row counts reach the statistics views at most once a second; the counts of the latest changes are sent now.
  await db.execute(sql`SELECT pg_stat_force_next_flush()`);
  const due = await queryRows<{ schema: string; table: string; analyze: boolean; vacuum: boolean }>(
    db,
    sql`SELECT s.schemaname AS schema, s.relname AS table,
               (s.last_analyze IS NULL AND s.last_autoanalyze IS NULL AND s.n_live_tup + s.n_mod_since_analyze > 0)
                 OR s.n_mod_since_analyze > ${ANALYZE_BASE_ROWS} + ${ANALYZE_SCALE} * greatest(c.reltuples, 0) AS analyze,
               s.n_dead_tup > ${VACUUM_BASE_ROWS} + ${VACUUM_SCALE} * greatest(c.reltuples, 0) AS vacuum
          FROM pg_stat_user_tables s
          JOIN pg_class c ON c.oid = s.relid
         WHERE s.schemaname = current_schema()
         ORDER BY s.relname`,
  );
  const done: MaintenanceDone = { analyzed: [], vacuumed: [] };
  for (const table of due) {
    const name = sql.identifier(table.table);
    if (table.vacuum) {
      // VACUUM (ANALYZE) clears the dead rows and gathers the statistics in one pass.
      await db.execute(sql`VACUUM (ANALYZE) ${sql.identifier(table.schema)}.${name}`);
      done.vacuumed.push(table.table);
      done.analyzed.push(table.table);
    } else if (table.analyze) {
      await db.execute(sql`ANALYZE ${sql.identifier(table.schema)}.${name}`);
      done.analyzed.push(table.table);
    }
  }
  return done;
}
