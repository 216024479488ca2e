import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { FrameStatus } from "@headcount/proto/types";
import { cameraFrames, folderFrames, isJpegPath, jpegFileFrames, requireFrames, videoFrames, type SourceFrame } from "./jpeg-sources.ts";
import { sendFrames } from "./frame-sender.ts";
import { readLocalCaptureToken } from "../access/local-capture-token.ts";

const USAGE = `Usage: npm run send -- [options] <video file | folder of JPEGs | /dev/videoN | JPEG files...>

Streams frames to a headcount server over native gRPC (StreamFrames) and
prints one line per ack, then a summary. Videos and cameras are re-encoded
by ffmpeg (--fps, --width, --quality); JPEG files and folders are sent as
they are, --fps apart. Exits 1 when no frame could be read.

Options:
  --server HOST:PORT   native gRPC address (default 127.0.0.1:50051)
  --camera ID          camera id (default cli-<hostname-free random>)
  --name NAME          rename the camera to NAME (default: keep its stored name)
  --token TOKEN        the camera's pairing token (from a pairing link's token=) or the
                       server's shared capture token; default: $HEADCOUNT_CAPTURE_TOKEN, else,
                       for a server on this machine, its local token file
                       ($HEADCOUNT_DATA_DIR, server/data or data: capture-token)
  --fps N              frames per second taken from the source (default 10)
  --width N            resize to this width, 0 keeps the source size (default 640)
  --quality N          ffmpeg JPEG quality 2 (best) .. 31 (default 4)
  --pace source|max    at the source's rate, or as fast as acks return (default: source for cameras, max for files)
  --window N           frames in flight (default 1 with --pace max, 2 otherwise)
  --line AX,AY,BX,BY[,right]
                       set the camera's counting line (fractions of the frame, a->b);
                       "in" is the left of a->b unless ",right" is given
  --json               JSON lines per ack and a JSON summary (for scripts)
  --quiet              summary only
  -h, --help           this help`;

/** The frame sender CLI: how the Python original's client lives on. */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      server: { type: "string", default: "127.0.0.1:50051" },
      camera: { type: "string" },
      name: { type: "string", default: "" },
      token: { type: "string" },
      fps: { type: "string", default: "10" },
      width: { type: "string", default: "640" },
      quality: { type: "string", default: "4" },
      pace: { type: "string" },
      window: { type: "string" },
      line: { type: "string" },
      json: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const input = positionals[0];
  if (values.help || !input) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const fps = numberIn(values.fps, "--fps", 0.01, 1000);
  const width = wholeNumberIn(values.width, "--width", 0, 16384);
  const qscale = wholeNumberIn(values.quality, "--quality", 2, 31);
  const kind = sourceKind(positionals);
  const pace = (values.pace ?? (kind === "camera" ? "source" : "max")) as "source" | "max";
  if (pace !== "source" && pace !== "max") fail("--pace must be source or max");
  const window = values.window ? wholeNumberIn(values.window, "--window", 1, 64) : pace === "max" ? 1 : 2;
  const frames: Record<typeof kind, () => AsyncIterable<SourceFrame>> = {
    camera: () => cameraFrames(input, { fps, width, qscale }),
    folder: () => folderFrames(input, fps),
    jpegs: () => jpegFileFrames(positionals, fps),
    video: () => videoFrames(input, { fps, width, qscale }),
  };
  const source = requireFrames(frames[kind](), positionals.join(" "));
  const cameraId = values.camera ?? `cli-${Math.random().toString(36).slice(2, 10)}`;
  const abort = new AbortController();
  process.once("SIGINT", () => abort.abort());

  const summary = await sendFrames(source, {
    target: values.server,
    cameraId,
    // Only a given --name renames the camera; without one the stored name stays.
    cameraName: values.name ?? "",
    token: values.token || process.env.HEADCOUNT_CAPTURE_TOKEN || localToken(values.server),
    pace,
    window,
    line: values.line ? parseLine(values.line) : undefined,
    signal: abort.signal,
    onAck: (ack, rttMs) => {
      if (values.quiet) return;
      if (values.json) {
        console.log(JSON.stringify({ type: "ack", seq: ack.seq, status: FrameStatus[ack.status], people: ack.people.length, counts: ack.counts, rttMs: Math.round(rttMs), detail: ack.detail || undefined }));
        return;
      }
      const c = ack.counts;
      console.log(
        `seq=${ack.seq} ${FrameStatus[ack.status].toLowerCase()} people=${ack.people.length} in_view=${c?.inView ?? 0} entered=${c?.entered ?? 0} exited=${c?.exited ?? 0} crossed_in=${c?.crossedIn ?? 0} crossed_out=${c?.crossedOut ?? 0} rtt=${Math.round(rttMs)}ms${ack.detail ? ` (${ack.detail})` : ""}`,
      );
    },
  });
  if (values.json) {
    console.log(JSON.stringify({ type: "summary", ...summary }));
  } else {
    const { inViewPerFrame: _omit, ...rest } = summary;
    console.log(`summary: ${JSON.stringify(rest)}`);
  }
}

/** What the positional arguments name; several are allowed only as JPEG files. */
function sourceKind(inputs: readonly string[]): "camera" | "folder" | "jpegs" | "video" {
  const [first] = inputs;
  if (inputs.length === 1 && first!.startsWith("/dev/video")) return "camera";
  for (const path of inputs) if (!existsSync(path)) fail(`no such file or folder: ${path}`);
  if (inputs.length > 1 && !inputs.every((p) => isJpegPath(p) && statSync(p).isFile())) {
    fail(`one source at a time: a video file, a folder, a camera, or JPEG files (got ${inputs.length} arguments)`);
  }
  if (statSync(first!).isDirectory()) return "folder";
  return isJpegPath(first!) ? "jpegs" : "video";
}

function parseLine(text: string) {
  const parts = text.split(",").map((p) => p.trim());
  const [ax, ay, bx, by] = parts.slice(0, 4).map(Number);
  if (parts.length < 4 || [ax, ay, bx, by].some((v) => v === undefined || !Number.isFinite(v) || v < 0 || v > 1)) {
    fail(`--line needs four numbers between 0 and 1: AX,AY,BX,BY (got ${text})`);
  }
  return { ax: ax!, ay: ay!, bx: bx!, by: by!, inSideLeft: parts[4] !== "right" };
}

function numberIn(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) fail(`${flag} must be a number from ${min} to ${max} (got ${text})`);
  return n;
}

function wholeNumberIn(text: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) fail(`${flag} must be a whole number from ${min} to ${max} (got ${text})`);
  return Number(text);
}

function fail(message: string): never {
  console.error(`headcount send: ${message}\n\n${USAGE}`);
  process.exit(2);
}

main().catch((err: unknown) => {
  console.error(`headcount send: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

/** The local capture token of a server on this machine (loopback targets only), if one can be read. */
function localToken(target: string): string | undefined {
  const host = target.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) return undefined;
  const dirs = [process.env.HEADCOUNT_DATA_DIR, "server/data", "data"].filter((d): d is string => Boolean(d));
  return readLocalCaptureToken(dirs);
}
