import { RpcError } from "@protobuf-ts/runtime-rpc";
import { cameraFrames, folderFrames, jpegFileFrames, requireFrames, videoFrames, type SourceFrame } from "./jpeg-sources.ts";
import { sendFrames } from "./frame-sender.ts";
import { localDataDir, defaultToken } from "./local-token.ts";
import { parseSendArgs, USAGE, UsageError, type SendArgs } from "./send-args.ts";
import { ackJson, ackLine, disconnectedLine, reconnectedLine, retryLine, summaryTable } from "./send-report.ts";
import { describeFailure, UnreachableError } from "./stream-link.ts";

/**
 * The frame sender CLI: how the Python original's client lives on. Exit
 * codes: 0 done, 1 failed, 2 bad arguments. Progress and failures go to
 * stderr, so stdout holds only acks and the summary (JSON lines with --json).
 */
async function main(): Promise<void> {
  const args = parseSendArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const frames: Record<SendArgs["kind"], () => AsyncIterable<SourceFrame>> = {
    camera: () => cameraFrames(args.inputs[0]!, args),
    folder: () => folderFrames(args.inputs[0]!, args.fps),
    jpegs: () => jpegFileFrames(args.inputs, args.fps),
    video: () => videoFrames(args.inputs[0]!, args),
  };
  const source = requireFrames(frames[args.kind](), args.inputs.join(" "));
  const token = args.token || defaultToken(args.servers[0]!, process.env);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  // The first Ctrl-C stops sending and waits for the acks of frames in flight; a second one quits.
  const stop = new AbortController();
  const abort = new AbortController();
  process.on("SIGINT", () => {
    if (stop.signal.aborted) return abort.abort();
    say("headcount send: stopping after the acks of the frames in flight (Ctrl-C again to quit now)");
    stop.abort();
  });

  try {
    const summary = await sendFrames(source, {
      targets: args.servers,
      cameraId: args.cameraId,
      cameraName: args.cameraName,
      token,
      pace: args.pace,
      window: args.window,
      line: args.line,
      signal: abort.signal,
      stop: stop.signal,
      onAck: (ack, rttMs) => args.quiet || console.log(args.json ? ackJson(ack, rttMs) : ackLine(ack, rttMs)),
      onRetry: (notice) => say(retryLine(notice)),
      onDisconnected: (info) => say(disconnectedLine(info)),
      onReconnected: (info) => say(reconnectedLine(info)),
    });
    console.log(args.json ? JSON.stringify({ type: "summary", ...summary }) : summaryTable(summary));
  } catch (err) {
    if (err instanceof UnreachableError) {
      throw new Error(`${err.message}.\nIs the server running (npm start)? Give its native gRPC address with --server HOST:PORT (default 127.0.0.1:50051).`);
    }
    if (err instanceof RpcError && err.code === "UNAUTHENTICATED" && !token) {
      throw new Error(
        `${describeFailure(err, args.server)}\nNo token was given and none was found in ${localDataDir(process.env)}/capture-token: ` +
          "pass --token (the token= of a pairing link, or the server's HEADCOUNT_CAPTURE_TOKEN).",
      );
    }
    if (err instanceof RpcError && err.code === "ABORTED") {
      throw new Error(`${err.message}.\nNot reconnecting: that would take the camera back from the other device. Run the sender again to take it back.`);
    }
    throw new Error(describeFailure(err, args.server));
  }
}

main().catch((err: unknown) => {
  const usage = err instanceof UsageError;
  process.stderr.write(`headcount send: ${err instanceof Error ? err.message : String(err)}\n${usage ? `\n${USAGE}\n` : ""}`);
  process.exit(usage ? 2 : 1);
});
