import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { freshDatabase } from "../../../test/support/postgres-db.ts";
import { openPostgresStore } from "./postgres-store.ts";
import { openSqliteStore } from "./sqlite-store.ts";
import type { Store } from "./store.ts";

/**
 * The two Store implementations, for the contract suite (store-contract*.test.ts):
 * every case runs against both, each in a place of its own.
 */
export interface StoreBackend {
  readonly name: "sqlite" | "postgres";
  /** A new, empty place for a store (a temp data dir, a new database), removed when the test ends. */
  fresh(t: TestContext): Promise<string>;
  /** Opens (migrating) the store at a place from `fresh`; several may be open on one place at once. */
  open(location: string, options?: { busyTimeoutMs?: number }): Promise<Store>;
}

export const SQLITE_BACKEND: StoreBackend = {
  name: "sqlite",
  async fresh(t) {
    const dir = mkdtempSync(join(tmpdir(), "headcount-store-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  },
  async open(location, options = {}) {
    return openSqliteStore({ dataDir: location, busyTimeoutMs: options.busyTimeoutMs });
  },
};

export const POSTGRES_BACKEND: StoreBackend = {
  name: "postgres",
  fresh: freshDatabase,
  async open(location) {
    return openPostgresStore({ databaseUrl: location, maxConnections: 4 });
  },
};

/** Both backends, SQLite first. */
export const STORE_BACKENDS: readonly StoreBackend[] = [SQLITE_BACKEND, POSTGRES_BACKEND];

/** The backend of a name (the writer fixture gets it on its command line). */
export function backendNamed(name: string): StoreBackend {
  const backend = STORE_BACKENDS.find((b) => b.name === name);
  if (!backend) throw new Error(`unknown store backend ${name}`);
  return backend;
}

/** A test case of the contract: runs once per backend, as "[sqlite] name" and "[postgres] name". */
export function contractTest(name: string, body: (t: TestContext, backend: StoreBackend) => Promise<void>): void {
  for (const backend of STORE_BACKENDS) test(`[${backend.name}] ${name}`, (t) => body(t, backend));
}

/** A fresh store of the backend, closed when the test ends. */
export async function freshStore(t: TestContext, backend: StoreBackend): Promise<{ store: Store; location: string }> {
  const location = await backend.fresh(t);
  const store = await backend.open(location);
  t.after(() => store.close());
  return { store, location };
}
