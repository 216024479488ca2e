import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import { checkVersions, loadMigrationFiles, type MigrationStep } from "./migration-files.ts";
import { StoreOpenError } from "./store.ts";

/** One step of the schema; `version` is the `PRAGMA user_version` after it. */
export type Migration = MigrationStep;

/** Marks a file as headcount's (`PRAGMA application_id`, "HCNT"). */
export const APPLICATION_ID = 0x48434e54;

/**
 * The schema history, oldest first: `sqlite-migrations/NNNN-name.sql`.
 * Never edit a released step: add one. Steps run inside a transaction, so
 * they cannot change `foreign_keys` or `journal_mode`; a table rebuild must
 * follow SQLite's 12-step recipe.
 */
export const MIGRATIONS: readonly Migration[] = loadMigrationFiles(fileURLToPath(new URL("./sqlite-migrations/", import.meta.url)));

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings the database up to the last migration, applying the missing steps in
 * order inside one IMMEDIATE transaction: two processes opening the same file
 * at once cannot both migrate, and a failing step leaves the file unchanged.
 * Refuses a file from a newer version, or one that belongs to something else.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  checkVersions(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const run = db.transaction(() => {
    const from = db.pragma("user_version", { simple: true }) as number;
    const appId = db.pragma("application_id", { simple: true }) as number;
    if (appId !== APPLICATION_ID && (appId !== 0 || from !== 0 || hasTables(db))) {
      throw new StoreOpenError("foreign", `${db.name} is an SQLite database but not a headcount one (application_id ${appId}, user_version ${from}); point the data directory elsewhere`);
    }
    if (from > latest) {
      throw new StoreOpenError(
        "too-new",
        `${db.name} has schema version ${from}, but this server only knows versions up to ${latest}: it was written by a newer headcount. Run the newer server, or point the data directory elsewhere.`,
      );
    }
    for (const m of migrations) {
      if (m.version <= from) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    if (from < latest) db.pragma(`application_id = ${APPLICATION_ID}`);
    return { from, to: Math.max(from, latest) };
  });
  return run.immediate();
}

function hasTables(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema LIMIT 1").get() !== undefined;
}
