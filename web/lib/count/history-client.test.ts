import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { HistoryClient, historyFailureMessage } from "./history-client.ts";

describe("historyFailureMessage", () => {
  it("names the action and the status", () => {
    assert.equal(
      historyFailureMessage("rename", { code: "INVALID_ARGUMENT", message: "a camera name has 1 to 80 characters", network: false }),
      "Could not rename the camera: INVALID_ARGUMENT: a camera name has 1 to 80 characters",
    );
  });

  it("tells that a camera must be capturing when it has no latest frame", () => {
    assert.match(historyFailureMessage("frame", { code: "NOT_FOUND", message: "no frame", network: false }), /must be capturing/);
    assert.match(historyFailureMessage("series", { code: "NOT_FOUND", message: "no camera", network: false }), /^Could not load the counts over time: NOT_FOUND/);
  });
});

describe("HistoryClient", () => {
  it("answers a readable result, not an exception, when nothing listens", async () => {
    // A port that was just free: connecting to it is refused at once.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await new HistoryClient(`http://127.0.0.1:${port}`).reset("hall");
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.failure.network, true);
      assert.match(result.message, /^Could not reset the counts: the server cannot be reached/);
      assert.equal(result.aborted, false);
    }
  });
});
