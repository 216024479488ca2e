/**
 * A cap on the request metadata of every native gRPC call, as Envoy's default
 * `max_request_headers_kb: 60` caps the headers in front of the server (Node's
 * HTTP/2 layer alone lets 64 KiB through). A call over it ends with
 * RESOURCE_EXHAUSTED before any handler runs.
 */
import * as grpc from "@grpc/grpc-js";

/** Envoy's default cap on request headers: 60 KiB. */
export const MAX_METADATA_BYTES = 60 * 1024;

/** Bytes of metadata as a header block carries them: every name and value (binary values in base64). */
export function metadataBytes(metadata: grpc.Metadata): number {
  let bytes = 0;
  for (const [name, values] of Object.entries(metadata.getMap())) {
    const list = name.endsWith("-bin") ? metadata.get(name) : [values];
    for (const value of list) bytes += name.length + (typeof value === "string" ? Buffer.byteLength(value) : Math.ceil(value.length / 3) * 4);
  }
  return bytes;
}

/** The server interceptor that refuses calls whose metadata is over `maxBytes`. */
export function metadataLimit(maxBytes = MAX_METADATA_BYTES): grpc.ServerInterceptor {
  return (_method, call) => {
    let refused = false;
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        const bytes = metadataBytes(metadata);
        if (bytes <= maxBytes) return next(metadata);
        refused = true;
        call.sendStatus({ code: grpc.status.RESOURCE_EXHAUSTED, details: `request metadata of ${bytes} bytes is over the limit of ${maxBytes} bytes` });
      })
      .withOnReceiveMessage((message, next) => refused || next(message))
      .withOnReceiveHalfClose((next) => refused || next())
      .build();
    return new grpc.ServerInterceptingCall(call, new grpc.ResponderBuilder().withStart((next) => next(listener)).build());
  };
}
