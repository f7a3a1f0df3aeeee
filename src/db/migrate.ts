import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../project-root.ts';
import type { Database } from './client.ts';

const migrationsDir = path.join(projectRoot, 'src/db/migrations');

/**
 * Applies the committed SQL migrations in file-name order, each in its own transaction.
 * An advisory lock lets several instances start at once against one PostgreSQL.
 */
export async function migrate(database: Database): Promise<string[]> {
  const files = fs
    .readdirSync(migrationsDir)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort();
  return database.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock(7263510001)');
    try {
      await session.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Set(
        (await session.query<{ version: string }>('SELECT version FROM schema_migrations')).map((row) => row.version),
      );
      const applied: string[] = [];
      for (const file of files) {
        const version = file.replace(/\.sql$/, '');
        if (done.has(version)) continue;
        const script = fs.readFileSync(path.join(migrationsDir, file), 'utf8');
        await session.exec(
          `BEGIN;\n${script}\n;INSERT INTO schema_migrations (version) VALUES ('${version}');\nCOMMIT;`,
        );
        applied.push(version);
      }
      return applied;
    } catch (error) {
      await session.exec('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      await session.query('SELECT pg_advisory_unlock(7263510001)');
    }
  });
}
