import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { connectAsync, type IClientOptions, type MqttClient } from "mqtt";
import { freePort } from "./web-app.ts";

/** Debian's package installs the broker in /usr/sbin, which is not always on PATH. */
const MOSQUITTO = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].find((p) => existsSync(p)) ?? "mosquitto";

/** The machine's shared Mosquitto (started by .ci/run when it is not running). */
export const SHARED_BROKER_URL = "mqtt://127.0.0.1:1883";

/** Topic and discovery prefixes no other test run uses, so runs never see each other's retained messages. */
export function privatePrefixes(): { topicPrefix: string; discoveryPrefix: string } {
  const id = randomBytes(5).toString("hex");
  return { topicPrefix: `headcount-test-${id}`, discoveryPrefix: `ha-test-${id}` };
}

/** True once something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/** A message a {@link Subscriber} received. */
export interface ReceivedMessage {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** A real MQTT client subscribed to some topic filters, recording every message. */
export interface Subscriber {
  readonly client: MqttClient;
  readonly messages: ReceivedMessage[];
  /** Payloads received on one topic, in order. */
  on(topic: string): string[];
  close(): Promise<void>;
}

/** Connects a subscriber (QoS 1) to `url` and subscribes to `filters`. */
export async function subscribe(url: string, filters: string[], options: IClientOptions = {}): Promise<Subscriber> {
  const client = await connectAsync(url, { reconnectPeriod: 200, ...options });
  const messages: ReceivedMessage[] = [];
  client.on("message", (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
  await client.subscribeAsync(filters, { qos: 1 });
  return {
    client,
    messages,
    on: (topic) => messages.filter((m) => m.topic === topic).map((m) => m.payload),
    close: () => client.endAsync(true),
  };
}

/** A private Mosquitto on a free port of 127.0.0.1, with its own config and persistence in a temp dir. */
export interface PrivateBroker {
  readonly port: number;
  readonly url: string;
  /** Stops the broker (SIGTERM: it saves its persistence file) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with what it saved. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** Starts `mosquitto -c <conf>` (the Debian package's binary) on a free port. */
export async function startPrivateBroker(): Promise<PrivateBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "headcount-mosquitto-"));
  const conf = join(dir, "mosquitto.conf");
  // `user`: started as root, mosquitto would switch to the mosquitto user, who cannot write its persistence here.
  const lines = [`listener ${port} 127.0.0.1`, "allow_anonymous true", "persistence true", `persistence_location ${dir}/`, `user ${userInfo().username}`, "log_dest none", ""];
  writeFileSync(conf, lines.join("\n"));
  let child: ChildProcess | null = null;
  const start = async () => {
    const proc = spawn(MOSQUITTO, ["-c", conf], { stdio: "ignore" });
    child = proc;
    let exited = false;
    proc.once("exit", () => (exited = true));
    for (const end = Date.now() + 10_000; !(await portAnswers(port)); ) {
      if (exited) throw new Error(`mosquitto exited at start (is port ${port} free, is the mosquitto package installed?)`);
      if (Date.now() > end) throw new Error(`mosquitto did not listen on ${port} within 10 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once("exit", () => resolve());
      proc.kill("SIGTERM");
    });
  };
  await start();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
