/**
 * What headcount needs from its Envoy config, checked on the Bootstrap as
 * `buf convert` parsed it (proto JSON: camelCase names, "0s" durations), so a
 * later edit cannot silently break long-lived streams, session affinity or
 * what browsers may read. Every check returns problems as sentences.
 */

/** Headers the gRPC-Web clients send plus ours; CORS must allow them. */
export const REQUIRED_ALLOW_HEADERS = ["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout", "authorization", "x-session-id"];
/** Response headers browser code must be able to read. */
export const REQUIRED_EXPOSE_HEADERS = ["grpc-status", "grpc-message", "grpc-status-details-bin", "x-session-id"];
/** WatchCounts sends a snapshot at least this often; a stream idle timeout must leave room for several. */
export const COUNT_SNAPSHOT_PERIOD_S = 5;

const HCM_TYPE = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const TLS_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";
const CORS_POLICY_TYPE = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy";
const UPSTREAM_HTTP_KEY = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

/** What the contract says about the gRPC paths: `/headcount.v1.CaptureService/...`. */
export interface Contract {
  /** e.g. ["/headcount.v1.CaptureService/", "/headcount.v1.CountService/"] */
  readonly servicePaths: readonly string[];
}

/** Facts other checks compare with docker-compose.yml. */
export interface EnvoyFacts {
  readonly listenerPorts: number[];
  readonly tlsFiles: string[];
  /** Files served as direct responses (e.g. /ca.crt). */
  readonly servedFiles: string[];
  readonly endpoints: Record<string, Array<{ address: string; port: number }>>;
  readonly grpcCluster: string | undefined;
  readonly webCluster: string | undefined;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const list = (v: unknown): string[] => (str(v) ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);

/** Seconds of a proto JSON duration ("60s", "0.500s"), or undefined when unset. */
export function seconds(v: unknown): number | undefined {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(str(v) ?? "");
  return m ? Number(m[1]) : undefined;
}

/** Checks `bootstrap` (proto JSON); returns the problems found and the facts read. */
export function checkEnvoyConfig(bootstrap: unknown, contract: Contract): { problems: string[]; facts: EnvoyFacts } {
  const problems: string[] = [];
  const root = obj(bootstrap);
  const adminAddress = str(obj(obj(obj(root.admin).address).socketAddress).address);
  if (adminAddress !== "127.0.0.1") problems.push(`admin must be bound to 127.0.0.1 (is ${adminAddress ?? "unset"})`);

  const clusters = new Map(arr(obj(root.staticResources).clusters).map((c) => [str(obj(c).name) ?? "", obj(c)]));
  const facts: { -readonly [K in keyof EnvoyFacts]: EnvoyFacts[K] } = { listenerPorts: [], tlsFiles: [], servedFiles: [], endpoints: {}, grpcCluster: undefined, webCluster: undefined };
  for (const [name, cluster] of clusters) {
    facts.endpoints[name] = arr(obj(cluster.loadAssignment).endpoints).flatMap((group) =>
      arr(obj(group).lbEndpoints).map((e) => {
        const socket = obj(obj(obj(obj(e).endpoint).address).socketAddress);
        return { address: str(socket.address) ?? "", port: Number(socket.portValue ?? 0) };
      }),
    );
  }

  let tlsServesGrpc = false;
  for (const listener of arr(obj(root.staticResources).listeners).map(obj)) {
    const lname = str(listener.name) ?? "?";
    facts.listenerPorts.push(Number(obj(obj(listener.address).socketAddress).portValue ?? 0));
    for (const chain of arr(listener.filterChains).map(obj)) {
      const tls = obj(obj(chain.transportSocket).typedConfig);
      const isTls = tls["@type"] === TLS_TYPE;
      for (const cert of arr(obj(tls.commonTlsContext).tlsCertificates).map(obj)) {
        for (const key of ["certificateChain", "privateKey"]) {
          const file = str(obj(cert[key]).filename);
          if (file) facts.tlsFiles.push(file);
        }
      }
      for (const filter of arr(chain.filters).map(obj)) {
        const hcm = obj(filter.typedConfig);
        if (hcm["@type"] !== HCM_TYPE) continue;
        const routes = arr(obj(hcm.routeConfig).virtualHosts).flatMap((vh) => arr(obj(vh).routes).map(obj));
        for (const route of routes) {
          const file = str(obj(obj(route.directResponse).body).filename);
          if (file) facts.servedFiles.push(file);
          const cluster = str(obj(route.route).cluster);
          if (cluster && !clusters.has(cluster)) problems.push(`${lname}: route to unknown cluster ${cluster}`);
        }
        const grpcIndex = routes.findIndex((r) => {
          const prefix = str(obj(r.match).prefix);
          return prefix !== undefined && prefix !== "/" && contract.servicePaths.every((p) => p.startsWith(prefix));
        });
        if (grpcIndex < 0) continue;
        if (isTls) tlsServesGrpc = true;
        const where = `${lname}: gRPC route`;
        const grpc = routes[grpcIndex]!;
        const catchAll = routes.findIndex((r) => str(obj(r.match).prefix) === "/");
        if (catchAll >= 0 && catchAll < grpcIndex) problems.push(`${where} comes after the catch-all "/" route, so it never matches`);
        if (catchAll < 0) problems.push(`${lname}: no catch-all "/" route for the web app's pages`);
        else facts.webCluster ??= str(obj(routes[catchAll]!.route).cluster);
        problems.push(...checkGrpcRoute(where, grpc, clusters, facts));
        problems.push(...checkFilters(lname, hcm));
        const idle = seconds(hcm.streamIdleTimeout);
        if (idle === undefined) problems.push(`${lname}: stream_idle_timeout must be set deliberately (its 5 min default is implicit)`);
        else if (idle !== 0 && idle < 3 * COUNT_SNAPSHOT_PERIOD_S) {
          problems.push(`${lname}: stream_idle_timeout ${idle}s would reset count streams (a snapshot comes every ${COUNT_SNAPSHOT_PERIOD_S}s)`);
        }
      }
    }
  }
  if (!tlsServesGrpc) problems.push("no TLS listener serves the gRPC route: phones need https for the camera");
  if (!facts.grpcCluster) problems.push("no route sends the gRPC services to a cluster");
  return { problems, facts };
}

function checkGrpcRoute(where: string, route: Obj, clusters: Map<string, Obj>, facts: { grpcCluster: string | undefined }): string[] {
  const problems: string[] = [];
  const action = obj(route.route);
  if (action.timeout !== "0s") problems.push(`${where}: timeout must be 0s (the 15 s default ends ack and count streams); is ${str(action.timeout) ?? "unset"}`);
  const msd = obj(action.maxStreamDuration);
  if (msd.grpcTimeoutHeaderMax !== "0s") problems.push(`${where}: max_stream_duration.grpc_timeout_header_max must be 0s`);
  const hashed = arr(action.hashPolicy).some((h) => str(obj(obj(h).header).headerName)?.toLowerCase() === "x-session-id");
  if (!hashed) problems.push(`${where}: hash_policy must hash the x-session-id header (session affinity)`);
  const cors = obj(obj(route.typedPerFilterConfig)["envoy.filters.http.cors"]);
  if (cors["@type"] !== CORS_POLICY_TYPE) problems.push(`${where}: no CorsPolicy in typed_per_filter_config`);
  const missingAllow = REQUIRED_ALLOW_HEADERS.filter((h) => !list(cors.allowHeaders).includes(h));
  if (missingAllow.length) problems.push(`${where}: CORS allow_headers lacks ${missingAllow.join(", ")}`);
  const missingExpose = REQUIRED_EXPOSE_HEADERS.filter((h) => !list(cors.exposeHeaders).includes(h));
  if (missingExpose.length) problems.push(`${where}: CORS expose_headers lacks ${missingExpose.join(", ")}`);
  // Any web page a visitor opens could then pair cameras and read counts from their browser.
  if (arr(cors.allowOriginStringMatch).some((m) => allowsEveryOrigin(obj(m)))) problems.push(`${where}: CORS must not allow every origin (list exact origins)`);

  const name = str(action.cluster);
  facts.grpcCluster ??= name;
  const cluster = clusters.get(name ?? "");
  if (!cluster) return problems;
  if (cluster.type !== "STRICT_DNS") problems.push(`cluster ${name}: type must be STRICT_DNS (every replica), is ${str(cluster.type) ?? "unset"}`);
  if (cluster.lbPolicy !== "RING_HASH") problems.push(`cluster ${name}: lb_policy must be RING_HASH (affinity by hash), is ${str(cluster.lbPolicy) ?? "unset"}`);
  problems.push(...checkDeadReplicaLeaves(name ?? "", cluster));
  const options = obj(obj(cluster.typedExtensionProtocolOptions)[UPSTREAM_HTTP_KEY]);
  const http2 = obj(obj(options.explicitHttpConfig).http2ProtocolOptions);
  if (!options.explicitHttpConfig || !("http2ProtocolOptions" in obj(options.explicitHttpConfig))) {
    problems.push(`cluster ${name}: upstream must be HTTP/2 (typed_extension_protocol_options ${UPSTREAM_HTTP_KEY} explicit_http_config.http2_protocol_options)`);
  } else if (seconds(obj(http2.connectionKeepalive).interval) === undefined) {
    problems.push(`cluster ${name}: http2_protocol_options.connection_keepalive.interval must be set`);
  }
  return problems;
}

/** How long a dead replica may stay in the ring, at most (s). */
export const MAX_DEAD_REPLICA_SECONDS = 10;

/**
 * With several replicas, a dead one must leave the ring quickly: active
 * health checks that notice within MAX_DEAD_REPLICA_SECONDS, and outlier
 * detection that ejects a replica whose connects fail between checks.
 */
function checkDeadReplicaLeaves(name: string, cluster: Obj): string[] {
  const problems: string[] = [];
  const checks = arr(cluster.healthChecks).map(obj);
  if (checks.length === 0) problems.push(`cluster ${name}: health_checks missing (a dead replica would stay in the ring)`);
  for (const check of checks) {
    const interval = seconds(check.interval);
    const timeout = seconds(check.timeout);
    const threshold = Number(check.unhealthyThreshold ?? NaN);
    const detect = (interval ?? Infinity) * threshold + (timeout ?? Infinity);
    if (!(detect <= MAX_DEAD_REPLICA_SECONDS)) {
      problems.push(`cluster ${name}: health check finds a dead replica after ${detect} s (interval x unhealthy_threshold + timeout), more than ${MAX_DEAD_REPLICA_SECONDS} s`);
    }
  }
  const outliers = obj(cluster.outlierDetection);
  if (!cluster.outlierDetection) problems.push(`cluster ${name}: outlier_detection missing (a replica failing connects between health checks keeps its share)`);
  else if (Number(outliers.maxEjectionPercent ?? 10) < 100) problems.push(`cluster ${name}: outlier_detection.max_ejection_percent must be 100 (or a second dead replica stays)`);
  return problems;
}

function checkFilters(where: string, hcm: Obj): string[] {
  const names = arr(hcm.httpFilters).map((f) => str(obj(f).name) ?? "");
  const problems: string[] = [];
  for (const needed of ["envoy.filters.http.grpc_web", "envoy.filters.http.cors"]) {
    const at = names.indexOf(needed);
    if (at < 0) problems.push(`${where}: http filter ${needed} missing`);
  }
  if (names.at(-1) !== "envoy.filters.http.router") problems.push(`${where}: the router must be the last http filter`);
  return problems;
}

/** True for an origin matcher that any origin passes (a regex like ".*", an empty prefix or suffix, "*"). */
function allowsEveryOrigin(matcher: Obj): boolean {
  const regex = str(obj(matcher.safeRegex).regex);
  if (regex !== undefined && /^\^?\.[*+]\$?$/.test(regex)) return true;
  return matcher.prefix === "" || matcher.suffix === "" || matcher.exact === "*" || matcher.contains === "";
}
