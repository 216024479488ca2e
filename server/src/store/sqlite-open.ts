import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { migrate, type Migration, MIGRATIONS } from "./migrations.ts";
import { StoreOpenError } from "./store.ts";

/**
 * How long a commit must survive.
 * - "NORMAL" (default): in WAL mode a committed transaction is in the WAL file
 *   (the OS page cache) when the commit returns, so it survives the server
 *   process crashing or being killed. A power loss or OS crash can lose the
 *   last transactions before the next checkpoint, never corrupt the file.
 * - "FULL": the WAL is fsynced at every commit, so commits also survive a
 *   power loss, at the cost of one fsync per appended batch.
 */
export type SyncMode = "NORMAL" | "FULL";

/** Where and how to open the SQLite file. */
export interface SqliteOpenOptions {
  /** The data directory; created if missing. */
  readonly dataDir: string;
  /** File name inside `dataDir`; default "headcount.sqlite". */
  readonly fileName?: string;
  readonly syncMode?: SyncMode;
  /** How long a write waits for another connection's lock, ms; default 5,000. */
  readonly busyTimeoutMs?: number;
  /**
   * Run `PRAGMA quick_check` before using the file, so a damaged file fails at
   * start rather than at some later query; default true. It reads the whole
   * file: see the store benchmark for its cost.
   */
  readonly checkOnOpen?: boolean;
  /** The schema steps; only tests pass their own. */
  readonly migrations?: readonly Migration[];
}

/** The default file name inside the data directory. */
export const DEFAULT_FILE_NAME = "headcount.sqlite";

/**
 * Opens (creating if needed) the database file, switches it to WAL and
 * applies the missing migrations. Failures are StoreOpenErrors whose message
 * names the file and what to do.
 */
export function openDatabase(options: SqliteOpenOptions): Database.Database {
  const dir = resolve(options.dataDir);
  const path = join(dir, options.fileName ?? DEFAULT_FILE_NAME);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new StoreOpenError("io", `cannot create the data directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 5_000 });
  } catch (err) {
    throw new StoreOpenError("io", `cannot open the database file ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    // The first statements read the header: a file that is not SQLite fails here.
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${options.syncMode ?? "NORMAL"}`);
    db.pragma("foreign_keys = ON");
    if (options.checkOnOpen ?? true) quickCheck(db, path);
    migrate(db, options.migrations ?? MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw explain(err, path);
  }
}

function quickCheck(db: Database.Database, path: string): void {
  const rows = (db.pragma("quick_check(5)") as Array<{ quick_check: string }>).map((r) => r.quick_check);
  if (rows.length === 1 && rows[0] === "ok") return;
  const problems = rows.flatMap((r) => r.split("\n")).filter((line) => line && !line.startsWith("***"));
  throw new StoreOpenError("corrupt", `${path} is corrupted (${problems.slice(0, 3).join("; ")}). Move it aside to start empty, or restore a backup.`);
}

function explain(err: unknown, path: string): Error {
  if (err instanceof StoreOpenError) return err;
  const code = (err as { code?: unknown }).code;
  const message = (err as Error).message;
  if (code === "SQLITE_NOTADB") {
    return new StoreOpenError(
      "not-a-database",
      `${path} is not an SQLite database (or its header is damaged): ${message}. Move it aside to start empty, or restore a backup.`,
      { cause: err },
    );
  }
  if (typeof code === "string" && code.startsWith("SQLITE_CORRUPT")) {
    return new StoreOpenError("corrupt", `${path} is corrupted: ${message}. Move it aside to start empty, or restore a backup.`, { cause: err });
  }
  return new StoreOpenError("io", `cannot open the database ${path}: ${message}`, { cause: err });
}
