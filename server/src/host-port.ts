/**
 * Host and port joined the way URLs and gRPC targets want them: an IPv6
 * address in brackets ("[::1]:50051"), anything else as is ("0.0.0.0:50051").
 */
export function hostPort(host: string, port: number): string {
  const bare = unbracketed(host);
  return bare.includes(":") ? `[${bare}]:${port}` : `${bare}:${port}`;
}

/** A host without the brackets an IPv6 address may be written with ("[::1]" -> "::1"), as listen() wants it. */
export function unbracketed(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
