import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import type { WorkerPoolStats } from "../pipeline/worker-pool.ts";

/** What the metrics read when scraped (live state that is not counted as it happens). */
export interface MetricsSources {
  openSessions(): number;
  onlineCameras(): number;
  workers(): WorkerPoolStats;
}

/** The server's Prometheus metrics, in a registry of their own. */
export interface ServerMetrics {
  readonly registry: Registry;
  /** A frame arrived with a usable seq (before any check of its content). */
  frameReceived(): void;
  /** An ack was published; counts it by status and records its server timings. */
  frameAcked(ack: FrameAck): void;
  /** MQTT count events dropped because too many were waiting for the broker. */
  mqttEventsDropped(count: number): void;
  /** Whether the MQTT broker is connected now (only called when MQTT is configured). */
  mqttConnected(up: boolean): void;
}

const STATUS: Record<number, string> = {
  [FrameStatus.PROCESSED]: "processed",
  [FrameStatus.DROPPED_STALE]: "dropped_stale",
  [FrameStatus.REJECTED]: "rejected",
};

/**
 * Creates the metrics an operator watches: frames received and acked by
 * status, where the server spends time per frame, open sessions, online
 * cameras and worker health (plus Node's process metrics).
 */
export function createServerMetrics(sources: MetricsSources): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "headcount_" });
  const received = new Counter({ name: "headcount_frames_received_total", help: "Frames received with a usable seq.", registers: [registry] });
  const acked = new Counter({
    name: "headcount_frames_acked_total",
    help: "Frames acknowledged, by status (processed, dropped_stale, rejected).",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  for (const status of Object.values(STATUS)) acked.labels(status).inc(0);
  const buckets = [0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56];
  const skipped = new Counter({ name: "headcount_frames_detection_skipped_total", help: "Processed frames the motion gate kept from the detector (also in acked, processed).", registers: [registry] });
  const total = new Histogram({ name: "headcount_frame_server_seconds", help: "From receipt to ack, per processed frame.", buckets, registers: [registry] });
  const stage = new Histogram({
    name: "headcount_frame_stage_seconds",
    help: "Time per processed frame in each stage (queued, decode, detect, track).",
    labelNames: ["stage"] as const,
    buckets,
    registers: [registry],
  });
  new Gauge({ name: "headcount_sessions_open", help: "Open capture sessions.", registers: [registry], collect() { this.set(sources.openSessions()); } });
  new Gauge({ name: "headcount_cameras_online", help: "Cameras with an open session.", registers: [registry], collect() { this.set(sources.onlineCameras()); } });
  new Gauge({ name: "headcount_workers", help: "Detector worker threads.", registers: [registry], collect() { this.set(sources.workers().workers); } });
  new Gauge({
    name: "headcount_worker_memory_bytes",
    help: "Each detector worker's own memory after its last frame: its V8 heap, and external memory (buffers, MediaPipe's wasm memory).",
    labelNames: ["worker", "kind"],
    registers: [registry],
    collect() {
      this.reset();
      sources.workers().memory.forEach((m, i) => {
        this.labels(String(i), "heap").set(m.heapUsedBytes);
        this.labels(String(i), "external").set(m.externalBytes);
      });
    },
  });
  new Gauge({ name: "headcount_worker_busy_frames", help: "Frames inside the detector workers now.", registers: [registry], collect() { this.set(sources.workers().busyJobs); } });
  // Totals kept by the pool; exposed as gauges because prom-client counters cannot be set.
  new Gauge({ name: "headcount_worker_crashes", help: "Detector workers that crashed and were replaced, since start.", registers: [registry], collect() { this.set(sources.workers().crashes); } });
  new Gauge({ name: "headcount_detector_failures", help: "Frames the detector failed on (detector recreated), since start.", registers: [registry], collect() { this.set(sources.workers().detectorFailures); } });

  const mqttDropped = new Counter({
    name: "headcount_mqtt_events_dropped_total",
    help: "Count events not published to MQTT: the oldest are dropped when too many wait for the broker (HEADCOUNT_MQTT_MAX_QUEUED).",
    registers: [registry],
  });
  const mqttUp = new Gauge({ name: "headcount_mqtt_connected", help: "1 while the MQTT broker is connected, else 0 (absent without HEADCOUNT_MQTT_URL).", registers: [] });

  return {
    registry,
    mqttEventsDropped: (count) => mqttDropped.inc(count),
    mqttConnected(up) {
      if (!registry.getSingleMetric("headcount_mqtt_connected")) registry.registerMetric(mqttUp);
      mqttUp.set(up ? 1 : 0);
    },
    frameReceived: () => received.inc(),
    frameAcked(ack) {
      acked.labels(STATUS[ack.status] ?? "unspecified").inc();
      if (ack.status !== FrameStatus.PROCESSED || !ack.timings) return;
      const t = ack.timings;
      total.observe(t.totalMs / 1000);
      stage.labels("queued").observe(t.queuedMs / 1000);
      stage.labels("decode").observe(t.decodeMs / 1000);
      // A skipped frame's detect time is no detect time: it would drag the histogram towards 0.
      if (ack.detectionSkipped) skipped.inc();
      else stage.labels("detect").observe(t.detectMs / 1000);
      stage.labels("track").observe(t.trackMs / 1000);
    },
  };
}
