/** The gRPC-Web codec: streaming base64, request frame scanning, trailer frames. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  Base64StreamDecoder,
  RequestFrameScanner,
  decodeAlignedBase64,
  encodeTrailerFrame,
  percentEncodeGrpcMessage,
} from "../../server/src/grpc-web/grpc-web-frames.ts";

const frame = (flags: number, payload: number[]): Buffer => Buffer.from([flags, 0, 0, 0, payload.length, ...payload]);

describe("Base64StreamDecoder", () => {
  const bytes = Buffer.from(Array.from({ length: 23 }, (_, i) => (i * 37) & 0xff));
  const text = bytes.toString("base64");

  test("decodes a body split at every pair of positions", () => {
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b++) {
        const decoder = new Base64StreamDecoder();
        const parts = [text.slice(0, a), text.slice(a, b), text.slice(b)].map((part) => decoder.push(Buffer.from(part, "latin1")));
        assert.ok(parts.every((part) => part !== undefined), `split ${a}/${b}`);
        assert.deepEqual(Buffer.concat(parts as Buffer[]), bytes, `split ${a}/${b}`);
        assert.equal(decoder.end(), true);
      }
    }
  });

  test("accepts concatenated, separately padded segments", () => {
    const joined = Buffer.from("a").toString("base64") + Buffer.from("bc").toString("base64") + Buffer.from("def").toString("base64");
    assert.equal(new Base64StreamDecoder().push(Buffer.from(joined))?.toString(), "abcdef");
  });

  test("refuses characters outside base64 and misplaced padding", () => {
    for (const bad of ["AA!A", "A===", "=AAA", "AA=A", "AAAA AAA", "AA-_"]) {
      assert.equal(decodeAlignedBase64(bad), undefined, bad);
    }
  });

  test("reports an input that does not end on a 4-character boundary", () => {
    const decoder = new Base64StreamDecoder();
    decoder.push(Buffer.from("AAAAA"));
    assert.equal(decoder.end(), false);
  });
});

describe("RequestFrameScanner", () => {
  test("accepts whole frames, however the bytes are split", () => {
    const body = Buffer.concat([frame(0, [1, 2, 3]), frame(1, []), frame(0, [9])]);
    for (let cut = 0; cut <= body.length; cut++) {
      const scanner = new RequestFrameScanner(1024);
      assert.equal(scanner.push(body.subarray(0, cut)), undefined);
      assert.equal(scanner.push(body.subarray(cut)), undefined);
      assert.equal(scanner.end(), undefined, `cut at ${cut}`);
    }
  });

  test("reports a body that ends inside a frame header or payload", () => {
    for (const body of [Buffer.from([0, 0, 0]), frame(0, [1, 2, 3]).subarray(0, 7)]) {
      const scanner = new RequestFrameScanner(1024);
      assert.equal(scanner.push(body), undefined);
      assert.equal(scanner.end(), "truncated");
    }
  });

  test("refuses trailer and unknown flags", () => {
    assert.equal(new RequestFrameScanner(1024).push(frame(0x80, [])), "bad-flags");
    assert.equal(new RequestFrameScanner(1024).push(frame(2, [])), "bad-flags");
  });

  test("refuses a body over the cap, and an announced message over it before its payload", () => {
    assert.equal(new RequestFrameScanner(8).push(frame(0, [1, 2, 3, 4])), "too-large");
    assert.equal(new RequestFrameScanner(100).push(Buffer.from([0, 0, 1, 0, 0])), "too-large");
  });
});

describe("trailer frame", () => {
  test("is flag 0x80, a big-endian length and name:value lines", () => {
    const encoded = encodeTrailerFrame([
      ["grpc-status", ["5"]],
      ["X-Multi", ["a", "b"]],
    ]);
    const block = "grpc-status:5\r\nx-multi:a\r\nx-multi:b\r\n";
    assert.equal(encoded[0], 0x80);
    assert.equal(encoded.readUInt32BE(1), block.length);
    assert.equal(encoded.subarray(5).toString("latin1"), block);
  });

  test("grpc-message percent-encoding round-trips through decodeURIComponent", () => {
    const message = "caméra 100% «perdue» 漢字\r\n";
    const encoded = percentEncodeGrpcMessage(message);
    assert.match(encoded, /^[\x20-\x7e]+$/);
    assert.equal(decodeURIComponent(encoded), message);
  });
});
