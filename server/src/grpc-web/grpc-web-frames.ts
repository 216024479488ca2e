/**
 * The gRPC-Web wire codec: base64 for the text format, a frame-boundary
 * scanner for request bodies, and the trailer frame.
 *
 * Frames are `flags(1) length(4, big-endian) payload(length)`; flag 0x80 marks
 * the trailer frame that gRPC-Web uses instead of HTTP trailers.
 * See https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md
 */

/** Flag byte of a gRPC-Web trailer frame. */
export const TRAILER_FLAG = 0x80;

/** Length of the frame header: one flag byte and a 4-byte length. */
export const FRAME_HEADER_BYTES = 5;

const BASE64_INVALID_CHAR = /[^A-Za-z0-9+/=]/;
const BASE64_PADDED_GROUP = /^[A-Za-z0-9+/]{2}(?:==|[A-Za-z0-9+/]=)$/;

/**
 * Decodes a base64 string whose length is a multiple of 4, allowing padding at
 * the end of any 4-character group: clients and proxies may concatenate
 * separately encoded chunks. Returns undefined for anything that is not
 * strict base64 (Node's own decoder silently skips bad characters).
 */
export function decodeAlignedBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || BASE64_INVALID_CHAR.test(text)) return undefined;
  const parts: Buffer[] = [];
  let start = 0;
  for (let eq = text.indexOf("="); eq !== -1; eq = text.indexOf("=", start)) {
    const groupEnd = eq - (eq % 4) + 4;
    if (!BASE64_PADDED_GROUP.test(text.slice(groupEnd - 4, groupEnd))) return undefined;
    parts.push(Buffer.from(text.slice(start, groupEnd), "base64"));
    start = groupEnd;
  }
  parts.push(Buffer.from(text.slice(start), "base64"));
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

/**
 * Streaming base64 decoder for `application/grpc-web-text` request bodies,
 * whose chunks need not be aligned to 4 characters. Holds at most 3
 * characters between chunks.
 */
export class Base64StreamDecoder {
  private carry = "";

  /** Decodes what can be decoded of `chunk`; undefined when the input is not base64. */
  push(chunk: Buffer): Buffer | undefined {
    const text = this.carry + chunk.toString("latin1");
    const aligned = text.length - (text.length % 4);
    this.carry = text.slice(aligned);
    return decodeAlignedBase64(text.slice(0, aligned));
  }

  /** True when the input ended on a 4-character boundary, as padded base64 must. */
  end(): boolean {
    return this.carry.length === 0;
  }
}

/** Why a request body was refused by {@link RequestFrameScanner}. */
export type FrameScanError = "bad-flags" | "too-large" | "truncated";

/**
 * Follows frame boundaries of a request body without buffering payloads, so
 * that a malformed or oversized body is refused by the proxy with a clear
 * status instead of being half-forwarded.
 */
export class RequestFrameScanner {
  private headerSeen = 0;
  private header = Buffer.alloc(FRAME_HEADER_BYTES);
  private payloadLeft = 0;
  private total = 0;
  private headers = 0;

  /** @param maxBytes - cap on the whole decoded body, frame headers included */
  constructor(private readonly maxBytes: number) {}

  /** Frame headers seen and found valid so far. */
  get framesStarted(): number {
    return this.headers;
  }

  /** Scans the next decoded bytes; returns the first problem found, if any. */
  push(bytes: Buffer): FrameScanError | undefined {
    this.total += bytes.length;
    if (this.total > this.maxBytes) return "too-large";
    let i = 0;
    while (i < bytes.length) {
      if (this.payloadLeft > 0) {
        const take = Math.min(this.payloadLeft, bytes.length - i);
        this.payloadLeft -= take;
        i += take;
        continue;
      }
      this.header[this.headerSeen++] = bytes[i++] as number;
      if (this.headerSeen < FRAME_HEADER_BYTES) continue;
      this.headerSeen = 0;
      // Only uncompressed (0) and compressed (1) messages may travel upstream;
      // a trailer frame (0x80) in a request is a protocol error.
      if ((this.header[0] as number) > 1) return "bad-flags";
      this.payloadLeft = this.header.readUInt32BE(1);
      if (this.payloadLeft > this.maxBytes) return "too-large";
      this.headers++;
    }
    return undefined;
  }

  /** Checks that the body ended on a frame boundary. */
  end(): FrameScanError | undefined {
    return this.headerSeen > 0 || this.payloadLeft > 0 ? "truncated" : undefined;
  }
}

/** One trailer (or trailers-only header) field: a name and its values. */
export type TrailerField = readonly [name: string, values: readonly string[]];

/**
 * Builds the gRPC-Web trailer frame: flag 0x80, length, then an HTTP/1-style
 * block `name:value\r\n` per value. Values are written as received, so
 * `grpc-message` stays percent-encoded as on the gRPC wire.
 */
export function encodeTrailerFrame(fields: Iterable<TrailerField>): Buffer {
  let block = "";
  for (const [name, values] of fields) {
    for (const value of values) block += `${name.toLowerCase()}:${value}\r\n`;
  }
  const payload = Buffer.from(block, "latin1");
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
  frame[0] = TRAILER_FLAG;
  frame.writeUInt32BE(payload.length, 1);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Percent-encodes a status message the way gRPC servers do for `grpc-message`
 * (UTF-8, then %XX for anything outside printable ASCII and for '%').
 */
export function percentEncodeGrpcMessage(message: string): string {
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
