import { readdirSync, readFileSync } from "node:fs";

/** One numbered step of a schema: the file `NNNN-name.sql` of a migrations folder. */
export interface MigrationStep {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Every step in `dir`, oldest first (`sqlite-migrations/` or
 * `postgres-migrations/`). Never edit a released step: add a file with the
 * next number.
 */
export function loadMigrationFiles(dir: string): MigrationStep[] {
  const steps = readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      const m = /^(\d{4})-([a-z0-9-]+)\.sql$/.exec(file);
      if (!m) throw new Error(`migration file ${file} must be named NNNN-name.sql`);
      return { version: Number(m[1]), name: m[2]!.replaceAll("-", " "), sql: readFileSync(`${dir}/${file}`, "utf8") };
    });
  checkVersions(steps);
  return steps;
}

/** Throws unless the steps are versions 1, 2, 3, ... in order. */
export function checkVersions(steps: readonly MigrationStep[]): void {
  steps.forEach((step, i) => {
    if (!Number.isInteger(step.version) || step.version !== i + 1) {
      throw new Error(`migration "${step.name}" has version ${step.version}; versions must be 1, 2, 3, ... in order`);
    }
  });
}
