import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import type { DisconnectNotice, SendSummary } from "./send-summary.ts";
import type { RetryNotice } from "./stream-link.ts";

/** One ack as a line for people. */
export function ackLine(ack: FrameAck, rttMs: number): string {
  const c = ack.counts;
  return (
    `seq=${ack.seq} ${FrameStatus[ack.status].toLowerCase()} people=${ack.people.length} in_view=${c?.inView ?? 0} entered=${c?.entered ?? 0} ` +
    `exited=${c?.exited ?? 0} crossed_in=${c?.crossedIn ?? 0} crossed_out=${c?.crossedOut ?? 0} rtt=${Math.round(rttMs)}ms${ack.detail ? ` (${ack.detail})` : ""}`
  );
}

/** One ack as a JSON line for scripts (`--json`). */
export function ackJson(ack: FrameAck, rttMs: number): string {
  return JSON.stringify({ type: "ack", seq: ack.seq, status: FrameStatus[ack.status], people: ack.people.length, counts: ack.counts, rttMs: Math.round(rttMs), detail: ack.detail || undefined });
}

/** The run's summary as a two-column table for people. */
export function summaryTable(s: SendSummary): string {
  const c = s.counts;
  const rows: [string, string][] = [
    ["session", s.sessionId || "-"],
    ["server", s.server || "-"],
    ["frames sent", `${s.sent}${s.skipped ? ` (${s.skipped} skipped: window full)` : ""}`],
    ["acked", `${s.acked}: ${s.processed} processed${s.detectionSkipped ? ` (${s.detectionSkipped} without detection: nothing moved)` : ""}, ${s.droppedStale} dropped stale, ${s.rejected} rejected`],
    ["reconnects", `${s.reconnects}${s.reconnects ? ` (${s.lost} ${s.lost === 1 ? "frame" : "frames"} in flight lost)` : ""}`],
    ["people", `${c.inView} in view now (at most ${s.maxInView}), ${c.entered} entered, ${c.exited} exited`],
    ["line crossings", `${c.crossedIn} in, ${c.crossedOut} out`],
    ["round trip", `p50 ${Math.round(s.rttP50Ms)} ms, p95 ${Math.round(s.rttP95Ms)} ms`],
    ["duration", `${s.durationS} s, ${s.ackedFps} acked frames/s`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return ["summary", ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join("\n");
}

/** What the sender does while it tries to (re)connect, for stderr. */
export function retryLine(n: RetryNotice): string {
  const next = n.next === n.target ? "" : ` to ${n.next}`;
  return `headcount send: reconnecting to ${n.target}: attempt ${n.attempt} failed (${n.reason}); attempt ${n.attempt + 1}${next} in ${seconds(n.delayMs)} s`;
}

/** A stream that worked broke, for stderr. */
export function disconnectedLine(info: DisconnectNotice): string {
  return `headcount send: the stream to ${info.target} broke (${info.reason}); ${info.lost} ${info.lost === 1 ? "frame" : "frames"} in flight lost; reconnecting for up to ${seconds(info.tryForMs)} s`;
}

/** Back on a new session, for stderr. */
export function reconnectedLine(info: { target: string; sessionId: string; nextSeq: number }): string {
  return `headcount send: reconnected to ${info.target}: new session ${info.sessionId}, going on from frame ${info.nextSeq}`;
}

function seconds(ms: number): string {
  return String(Math.round(ms / 10) / 100);
}
