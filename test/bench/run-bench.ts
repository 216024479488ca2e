import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { outDir, repoRoot } from "../support/paths.ts";
import type { BenchReport, Benchmark } from "./bench-types.ts";

/**
 * `npm run bench [-- --quick] [--profile] [--heaptrack] [filter...]`: runs every
 * `test/bench/*.bench.ts` (each exports `benchmark: Benchmark`) one after
 * the other, prints one markdown table per benchmark and writes
 * test/.out/bench/results.json and results.md. Filters keep the benchmarks
 * whose id or file name contains one of them.
 */

const benchDir = join(repoRoot, "test/bench");
const resultDir = join(outDir, "bench");

interface Outcome {
  readonly id: string;
  readonly file: string;
  readonly title: string;
  readonly seconds: number;
  readonly report?: BenchReport;
  readonly error?: string;
}

const FLAGS = ["--quick", "--profile", "--heaptrack"];

function parseArgs(argv: readonly string[]): { quick: boolean; profile: boolean; heaptrack: boolean; filters: string[] } {
  const unknown = argv.filter((a) => a.startsWith("-") && !FLAGS.includes(a));
  if (unknown.length > 0) throw new Error(`unknown option(s) ${unknown.join(" ")}; usage: npm run bench -- [--quick] [--profile] [--heaptrack] [filter...]`);
  return { quick: argv.includes("--quick"), profile: argv.includes("--profile"), heaptrack: argv.includes("--heaptrack"), filters: argv.filter((a) => !a.startsWith("-")) };
}

async function load(file: string): Promise<Benchmark> {
  const module = (await import(pathToFileURL(join(benchDir, file)).href)) as { benchmark?: Benchmark };
  const b = module.benchmark;
  if (!b || typeof b.run !== "function" || !b.id) throw new Error(`${file} does not export \`benchmark: Benchmark\` (see bench-types.ts)`);
  return b;
}

function markdown(outcomes: readonly Outcome[], header: string[]): string {
  const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  const parts = [header.map((h) => `- ${h}`).join("\n")];
  for (const o of outcomes) {
    parts.push(`### ${o.title} (\`${o.id}\`, ${o.seconds.toFixed(0)} s)`);
    if (!o.report) {
      parts.push(`**Failed:** ${o.error ?? "unknown error"}`);
      continue;
    }
    const lines = ["| Measure | Value | Goal |", "| --- | --- | --- |"];
    for (const r of o.report.rows) {
      const goal = r.goal ? `${r.goal} ${r.met === undefined ? "" : r.met ? "(met)" : "(**missed**)"}` : "";
      lines.push(`| ${cell(r.measure)} | ${cell(r.value)} | ${cell(goal.trim())} |`);
    }
    parts.push(lines.join("\n"));
    if (o.report.notes.length > 0) parts.push(o.report.notes.map((n) => `- ${n}`).join("\n"));
  }
  return parts.join("\n\n") + "\n";
}

async function main(): Promise<number> {
  const { quick, profile, heaptrack, filters } = parseArgs(process.argv.slice(2));
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith(".bench.ts"))
    .sort();
  const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  const started = new Date();
  const loadBefore = loadavg()[0]!;
  const outcomes: Outcome[] = [];
  for (const file of files) {
    const t0 = performance.now();
    let benchmark: Benchmark;
    try {
      benchmark = await load(file);
    } catch (err) {
      const wanted = filters.length === 0 || filters.some((f) => file.includes(f));
      if (wanted) outcomes.push({ id: file, file, title: file, seconds: 0, error: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if (filters.length > 0 && !filters.some((f) => benchmark.id.includes(f) || file.includes(f))) continue;
    log(`${benchmark.id}: ${benchmark.title}`);
    const artifactDir = join(resultDir, benchmark.id);
    try {
      const report = await benchmark.run({ quick, profile, heaptrack, artifactDir, log: (m) => log(`${benchmark.id}: ${m}`) });
      outcomes.push({ id: benchmark.id, file, title: benchmark.title, seconds: (performance.now() - t0) / 1000, report });
    } catch (err) {
      log(`${benchmark.id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      outcomes.push({ id: benchmark.id, file, title: benchmark.title, seconds: (performance.now() - t0) / 1000, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (outcomes.length === 0) {
    log(`no benchmark matches ${filters.join(" ")}`);
    return 1;
  }
  const machine = {
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    loadAverage1m: { before: loadBefore, after: loadavg()[0]! },
  };
  const header = [
    `${started.toISOString()}, ${quick ? "quick" : "full"} run${profile ? " with CPU profiles (figures inflated)" : ""}, ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`,
    `Node ${machine.node}, ${machine.cores} cores (${machine.cpu}), load average ${machine.loadAverage1m.before.toFixed(2)} before, ${machine.loadAverage1m.after.toFixed(2)} after`,
  ];
  const md = markdown(outcomes, header);
  mkdirSync(resultDir, { recursive: true });
  writeFileSync(join(resultDir, "results.md"), md);
  const json = { startedAt: started.toISOString(), quick, profile, heaptrack, machine, benchmarks: outcomes };
  writeFileSync(join(resultDir, "results.json"), JSON.stringify(json, null, 2) + "\n");
  process.stdout.write(md);
  log(`written ${join(resultDir, "results.md")} and results.json`);
  return outcomes.some((o) => o.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
