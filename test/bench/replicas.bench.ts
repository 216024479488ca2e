import { fixed, median, quantile } from "./bench-stats.ts";
import type { BenchContext, BenchReport, Benchmark } from "./bench-types.ts";
import { appendLatency, benchDatabase, failover, propagation } from "./replica-measures.ts";

/**
 * Several replicas on PostgreSQL, side by side in one run: the store's
 * append latency on PostgreSQL and on SQLite (interleaved rounds), how fast
 * a change stored through replica A reaches a count page watching replica C,
 * and how long a CLI sender's counting stops when its replica is SIGKILLed.
 * Needs the PostgreSQL the tests use (127.0.0.1:5432).
 */
export const benchmark: Benchmark = {
  id: "replicas",
  title: "Replicas on PostgreSQL: append latency, propagation, failover",
  async run(context: BenchContext): Promise<BenchReport> {
    const { quick, log } = context;
    const rounds = quick ? 4 : 10;
    const perRound = quick ? 50 : 200;
    const db = await benchDatabase();
    try {
      log(`append latency: ${rounds} interleaved rounds of ${perRound} batches per store`);
      const latency = await appendLatency(rounds, perRound, db.url);
      const all = (name: string) => latency.get(name)!.flat();
      const [sqlite, postgres] = [all("sqlite"), all("postgres")];
      const propagationSamples = quick ? 10 : 40;
      log(`propagation: ${propagationSamples} resets through A, seen on C's WatchCounts`);
      const spread = await propagation(db.url, propagationSamples);
      const failoverRuns = quick ? 1 : 3;
      log(`failover: ${failoverRuns} SIGKILLs of the replica a CLI sender streams to`);
      const failovers = await failover(db.url, failoverRuns);
      const p95Spread = quantile(spread, 0.95);
      const worstFailover = Math.max(...failovers);
      return {
        rows: [
          { measure: "append, SQLite (one frame's 1-3 events, keyed)", value: `median ${fixed(median(sqlite), 2)} ms, p95 ${fixed(quantile(sqlite, 0.95), 2)} ms` },
          { measure: "append, PostgreSQL (same batches, same machine)", value: `median ${fixed(median(postgres), 2)} ms, p95 ${fixed(quantile(postgres, 0.95), 2)} ms` },
          { measure: "append, PostgreSQL / SQLite (medians)", value: `${fixed(median(postgres) / median(sqlite), 1)}x` },
          {
            measure: "stored change on A (a reset) seen on C's WatchCounts",
            value: `p50 ${fixed(median(spread), 0)} ms, p95 ${fixed(p95Spread, 0)} ms`,
            goal: "p95 < 500 ms",
            met: p95Spread < 500,
          },
          { measure: "failover: SIGKILL of A to the CLI sender's first ack from B", value: `worst ${fixed(worstFailover, 0)} ms (${failovers.map((f) => fixed(f, 0)).join(", ")})`, goal: "< 5000 ms", met: worstFailover < 5_000 },
        ],
        notes: [
          "Append: the Store API on one connection each, the time an ack waits for its frame's events; PostgreSQL on 127.0.0.1 (no network hop), synchronous commit on, SQLite in WAL mode.",
          "Propagation is of a stored change (camera row NOTIFY, reloaded at most every 250 ms, then C's WatchCounts); live figures (people in view, fps) are published at most 4 times a second, so they can lag up to 250 ms more.",
          "Failover runs with HEADCOUNT_DETECTOR=none (the time is reconnecting, not detecting); the sender moves to the next address at once.",
          "Two cores cannot show throughput growing with replicas: per-replica cost is in README 'More cameras'.",
        ],
        data: { append: { sqlite, postgres, rounds, perRound }, propagationMs: spread, failoverMs: failovers },
      };
    } finally {
      await db.drop();
    }
  },
};
