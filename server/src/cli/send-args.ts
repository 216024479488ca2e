import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import type { CountingLine } from "@headcount/proto/types";
import { isJpegPath } from "./jpeg-sources.ts";

/** The sender's usage text, printed by --help and after every argument error. */
export const USAGE = `Usage: npm run send -- [options] <video file | folder of JPEGs | /dev/videoN | JPEG files...>

Streams frames to a headcount server over native gRPC (StreamFrames) and
prints one line per ack, then a summary. Videos and cameras are re-encoded
by ffmpeg (--fps, --width, --quality); JPEG files and folders are sent as
they are, --fps apart.

Options:
  --server HOST:PORT[,HOST:PORT...]
                       native gRPC address (default 127.0.0.1:50051); several replicas on one
                       database, comma-separated: when one is gone the next one takes over
  --camera ID          camera id (default cli-<random>)
  --name NAME          rename the camera to NAME (default: keep its stored name)
  --token TOKEN        the camera's pairing token (from a pairing link's token=) or the
                       server's shared capture token; default: $HEADCOUNT_CAPTURE_TOKEN, else,
                       for a server on this machine, the capture-token file in its data
                       directory ($HEADCOUNT_DATA_DIR, else server/data as npm start uses)
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
  -h, --help           this help

Exit codes: 0 done, 1 failed (no frame could be read, the server could not be
reached or refused the camera), 2 bad arguments.`;

/** A command line the sender cannot run; the message says why (exit code 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const OPTIONS = {
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
} as const;

/** What the command line asks for. */
export interface SendArgs {
  readonly help: boolean;
  /** As given (for messages). */
  readonly server: string;
  /** Every address in it, tried in turn. */
  readonly servers: readonly string[];
  readonly cameraId: string;
  readonly cameraName: string;
  readonly token?: string;
  readonly kind: "camera" | "folder" | "jpegs" | "video";
  readonly inputs: readonly string[];
  readonly fps: number;
  readonly width: number;
  readonly qscale: number;
  readonly pace: "source" | "max";
  readonly window: number;
  readonly line?: CountingLine;
  readonly json: boolean;
  readonly quiet: boolean;
}

/** Parses and checks the arguments; throws {@link UsageError} with a plain message. */
export function parseSendArgs(argv: readonly string[]): SendArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  } catch (err) {
    throw new UsageError(describeParseError(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true } as SendArgs;
  if (positionals.length === 0) throw new UsageError("name what to send: a video file, a folder of JPEGs, /dev/videoN or JPEG files");
  const kind = sourceKind(positionals);
  const pace = values.pace ?? (kind === "camera" ? "source" : "max");
  if (pace !== "source" && pace !== "max") throw new UsageError(`--pace must be source or max (got ${pace})`);
  const servers = values.server.split(",").map((t) => t.trim());
  if (servers.some((t) => t === "")) throw new UsageError(`--server needs HOST:PORT, or several comma-separated (got ${JSON.stringify(values.server)})`);
  const cameraId = values.camera ?? `cli-${Math.random().toString(36).slice(2, 10)}`;
  return {
    help: false,
    server: values.server,
    servers,
    cameraId,
    // Only a given --name renames the camera; without one the stored name stays.
    cameraName: values.name,
    token: values.token,
    kind,
    inputs: positionals,
    fps: numberIn(values.fps, "--fps", 0.01, 1000),
    width: wholeNumberIn(values.width, "--width", 0, 16384),
    qscale: wholeNumberIn(values.quality, "--quality", 2, 31),
    pace,
    window: values.window ? wholeNumberIn(values.window, "--window", 1, 64) : pace === "max" ? 1 : 2,
    line: values.line ? parseLine(values.line) : undefined,
    json: values.json,
    quiet: values.quiet,
  };
}

/** node:util's parser errors, in the words of this CLI (with a guess for a misspelt option). */
function describeParseError(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const option = /'(-[^']*)'/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const guess = closestOption(option.replace(/^-+/, "").split("=")[0]!);
    return `unknown option ${option}${guess ? ` (did you mean --${guess}?)` : ""}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const name = /--(\w+)/.exec(message)?.[1] ?? "";
    return OPTIONS[name as keyof typeof OPTIONS]?.type === "boolean" ? `--${name} takes no value` : `--${name} needs a value`;
  }
  return message;
}

/** The option nearest to a misspelt one (at most two edits away), if any. */
function closestOption(typed: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of Object.keys(OPTIONS)) {
    const distance = editDistance(typed, name);
    if (typed.length >= 3 && distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** What the positional arguments name; several are allowed only as JPEG files. */
function sourceKind(inputs: readonly string[]): SendArgs["kind"] {
  const [first] = inputs;
  if (inputs.length === 1 && first!.startsWith("/dev/video")) return "camera";
  for (const path of inputs) if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  if (inputs.length > 1 && !inputs.every((p) => isJpegPath(p) && statSync(p).isFile())) {
    throw new UsageError(`one source at a time: a video file, a folder, a camera, or JPEG files (got ${inputs.length} arguments)`);
  }
  if (statSync(first!).isDirectory()) return "folder";
  return isJpegPath(first!) ? "jpegs" : "video";
}

function parseLine(text: string): CountingLine {
  const parts = text.split(",").map((p) => p.trim());
  const [ax, ay, bx, by] = parts.slice(0, 4).map(Number);
  if (parts.length < 4 || [ax, ay, bx, by].some((v) => v === undefined || !Number.isFinite(v) || v < 0 || v > 1)) {
    throw new UsageError(`--line needs four numbers between 0 and 1: AX,AY,BX,BY (got ${text})`);
  }
  return { ax: ax!, ay: ay!, bx: bx!, by: by!, inSideLeft: parts[4] !== "right" };
}

function numberIn(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number from ${min} to ${max} (got ${text})`);
  return n;
}

function wholeNumberIn(text: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got ${text})`);
  return Number(text);
}
