import { parseArgs } from "node:util";
import { redact } from "../store/postgres-pool.ts";
import { copySqliteToPostgres } from "../store/sqlite-to-postgres.ts";
import { localDataDir } from "./local-token.ts";

const USAGE = `Usage: npm run move-history -- [--data-dir DIR] [--database-url postgres://...]

Copies the embedded SQLite history (DIR/headcount.sqlite) into an empty
PostgreSQL database, for several server replicas (README "More cameras"):
cameras, names, lines, totals, sessions, every event, minute counts, pairing
tokens and the server secrets. Stop the server first. One transaction: on
failure nothing is copied. The SQLite file is left in place.

Options:
  --data-dir DIR        the old server's data directory (default $HEADCOUNT_DATA_DIR, else server/data)
  --database-url URL    the PostgreSQL database (default $HEADCOUNT_DATABASE_URL)
  -h, --help            this help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "data-dir": { type: "string", default: localDataDir(process.env) },
      "database-url": { type: "string", default: process.env.HEADCOUNT_DATABASE_URL ?? "" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const url = values["database-url"];
  if (!url) throw new Error(`give the PostgreSQL database: --database-url postgres://... (or HEADCOUNT_DATABASE_URL)\n\n${USAGE}`);
  const report = await copySqliteToPostgres(values["data-dir"], url);
  for (const [table, rows] of Object.entries(report)) console.log(`${table.padEnd(17)} ${rows}`);
  console.log(`moved the history of ${values["data-dir"]} into ${redact(url)}`);
}

main().catch((err: unknown) => {
  console.error(`move-history: ${(err as Error).message}`);
  process.exit(1);
});
