/**
 * docker-compose.yml, the Dockerfiles and .dockerignore without Docker: they
 * parse, name only files that exist, pin their images, and agree with each
 * other, with envoy/envoy.yaml and with the server's configuration schema.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { loadConfig } from "../../server/src/config.ts";
import { parseGrpcWebSetting } from "../../web/lib/grpc-web-url.ts";
import { repoRoot } from "../support/paths.ts";
import { contextSources, dockerignore, healthcheckCommand, interpolate, isPinned, parseDockerfile, stages } from "./docker-files.ts";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const read = (path: string): string => readFileSync(join(repoRoot, path), "utf8");

/** A compose `environment:` as a record, interpolated with an empty shell environment (the defaults). */
function environment(service: Obj): Record<string, string> {
  const env = service.environment;
  const entries = Array.isArray(env) ? env.map((e) => String(e).split(/=(.*)/s).slice(0, 2)) : Object.entries(obj(env));
  return Object.fromEntries(entries.map(([k, v]) => [String(k), interpolate(String(v ?? ""), {})]));
}

const compose = obj(parse(read("docker-compose.yml")));
const services = obj(compose.services);
const envoyYaml = obj(parse(read("envoy/envoy.yaml")));
const ignored = dockerignore(read(".dockerignore"));

/** The Dockerfile of a service with a build section, relative to the repository root. */
function dockerfileOf(service: Obj): { context: string; dockerfile: string } | undefined {
  const build = service.build;
  if (!build) return undefined;
  const context = posix.normalize(typeof build === "string" ? build : String(obj(build).context ?? "."));
  const dockerfile = typeof build === "string" ? "Dockerfile" : String(obj(build).dockerfile ?? "Dockerfile");
  return { context, dockerfile: posix.join(context, dockerfile) };
}

test("docker-compose.yml has the four services, each with a restart policy and a health check", () => {
  assert.deepEqual(Object.keys(services).sort(), ["envoy", "postgres", "server", "web"]);
  for (const [name, raw] of Object.entries(services)) {
    const service = obj(raw);
    assert.ok(["always", "unless-stopped", "on-failure"].includes(String(service.restart)), `${name}: restart policy`);
    const built = dockerfileOf(service);
    const inImage = built ? healthcheckCommand(parseDockerfile(read(built.dockerfile))) : undefined;
    assert.ok(service.healthcheck || inImage, `${name}: a health check in docker-compose.yml or in its Dockerfile`);
  }
});

/** The service and health check keys this project may use (a typo such as `healtcheck:` is otherwise ignored silently). */
const SERVICE_KEYS = new Set(["image", "build", "command", "entrypoint", "ports", "volumes", "environment", "env_file", "depends_on", "restart", "healthcheck", "deploy", "init", "user", "stop_grace_period", "logging", "networks", "expose", "labels", "ulimits", "tmpfs", "read_only", "cap_drop", "security_opt"]);
const HEALTHCHECK_KEYS = new Set(["test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"]);
const TOP_KEYS = new Set(["name", "services", "volumes", "networks", "configs", "secrets"]);

test("docker-compose.yml uses only known keys", () => {
  for (const key of Object.keys(compose)) assert.ok(TOP_KEYS.has(key), `top-level key ${key}`);
  for (const [name, raw] of Object.entries(services)) {
    const service = obj(raw);
    for (const key of Object.keys(service)) assert.ok(SERVICE_KEYS.has(key), `${name}: unknown key ${key}`);
    for (const key of Object.keys(obj(service.healthcheck))) assert.ok(HEALTHCHECK_KEYS.has(key), `${name}.healthcheck: unknown key ${key}`);
  }
});

test("images are pinned: envoy to a v1.40.x tag, every FROM to a fixed tag", () => {
  assert.match(String(obj(services.envoy).image), /^envoyproxy\/envoy:v1\.40\.\d+$/);
  for (const [name, raw] of Object.entries(services)) {
    const service = obj(raw);
    if (service.image) assert.ok(isPinned(String(service.image)), `${name}: ${String(service.image)} is not pinned`);
    const built = dockerfileOf(service);
    if (!built) continue;
    const all = stages(parseDockerfile(read(built.dockerfile)));
    const names = new Set(all.map((s) => s.name));
    for (const stage of all) {
      if (names.has(stage.image.toLowerCase())) continue;
      assert.ok(isPinned(stage.image), `${built.dockerfile}:${stage.line}: FROM ${stage.image} is not pinned`);
    }
  }
});

test("build contexts, Dockerfiles and bind-mounted files exist", () => {
  for (const [name, raw] of Object.entries(services)) {
    const service = obj(raw);
    const built = dockerfileOf(service);
    if (built) {
      assert.ok(statSync(join(repoRoot, built.context)).isDirectory(), `${name}: build context ${built.context}`);
      assert.ok(existsSync(join(repoRoot, built.dockerfile)), `${name}: ${built.dockerfile}`);
    }
    for (const volume of (service.volumes as unknown[] | undefined) ?? []) {
      const v = typeof volume === "string" ? { type: volume.startsWith(".") || volume.startsWith("/") ? "bind" : "volume", source: volume.split(":")[0] } : obj(volume);
      if (v.type !== "bind") continue;
      const source = interpolate(String(v.source), {});
      // The certificate folder is made by envoy/make-cert.sh (its output is never committed);
      // compose must then refuse to start rather than mount an empty folder.
      if (source === "./envoy/certs") {
        assert.equal(obj(obj(volume).bind).create_host_path, false, `${name}: ${source} must not be created empty`);
        continue;
      }
      assert.ok(existsSync(join(repoRoot, source)), `${name}: bind mount ${source} does not exist`);
    }
  }
});

for (const name of ["server", "web"]) {
  describe(`${name}/Dockerfile`, () => {
    const built = dockerfileOf(obj(services[name]))!;
    const instructions = parseDockerfile(read(built.dockerfile));

    test("copies only paths that exist in the build context and that .dockerignore keeps", () => {
      const sources = contextSources(instructions);
      assert.ok(sources.length > 0);
      for (const { source, line } of sources) {
        const path = posix.join(built.context, source);
        assert.ok(existsSync(join(repoRoot, path)), `${built.dockerfile}:${line}: COPY ${source} does not exist`);
        assert.equal(ignored(posix.relative(built.context, path)), false, `${built.dockerfile}:${line}: COPY ${source} is excluded by .dockerignore`);
      }
    });

    test("multi-stage, npm ci from the lockfile, a non-root user and a command", () => {
      assert.ok(stages(instructions).length >= 2, "multi-stage");
      assert.ok(instructions.some((i) => i.keyword === "RUN" && /\bnpm ci\b/.test(i.args)), "npm ci");
      assert.ok(contextSources(instructions).some((s) => s.source === "package-lock.json"), "the lockfile is copied");
      const lastFrom = instructions.map((i) => i.keyword).lastIndexOf("FROM");
      const users = instructions.slice(lastFrom).filter((i) => i.keyword === "USER");
      assert.ok(users.length > 0 && !/^(root|0)(:|$)/.test(users.at(-1)!.args), "the runtime stage runs as a non-root USER");
      assert.ok(instructions.some((i) => i.keyword === "CMD"));
    });
  });
}

test(".dockerignore keeps keys, local state and installed modules out of the build context", () => {
  for (const path of ["envoy/certs/server.key", "envoy/ca/ca.key", "node_modules/x", "web/node_modules/x", "web/.next/cache", "data/history.db", "server/data/x", ".git/HEAD", ".env"]) {
    assert.equal(ignored(path), true, path);
  }
  for (const path of ["package.json", "server/src/main.ts", "proto/gen/headcount/v1/capture.ts", "web/app/page.tsx"]) {
    assert.equal(ignored(path), false, path);
  }
});

test("the server's environment is valid for its own schema: gRPC-Web off, the model cache in a named volume, no history volume", () => {
  const server = obj(services.server);
  const env = environment(server);
  const config = loadConfig(env);
  assert.equal(config.grpcWebPort, null, "Envoy does gRPC-Web");
  assert.equal(config.lanHttpsPort, null, "Envoy serves https; the server's own LAN https origin is off");
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.dataDir, "/data");
  const volumes = ((server.volumes as unknown[]) ?? []).map(String);
  assert.deepEqual(volumes.map((v) => v.split(":")[1]), [config.modelCacheDir], "only the model cache is a volume: the history is in PostgreSQL");
  assert.ok(Object.keys(obj(compose.volumes)).includes(volumes[0]!.split(":")[0]!), "it is a named volume");
});

test("the servers share the postgres service: official pinned image, named volume, health check, URL wired, started once healthy", () => {
  const postgres = obj(services.postgres);
  assert.match(String(postgres.image), /^postgres:\d+\.\d+$/, "the official image at a pinned minor release");
  const major = Number(/^postgres:(\d+)/.exec(String(postgres.image))![1]);
  const volumes = ((postgres.volumes as unknown[]) ?? []).map(String);
  // From 18 on the image's volume is /var/lib/postgresql (data in a per-version folder); before, /var/lib/postgresql/data.
  const dataPath = major >= 18 ? "/var/lib/postgresql" : "/var/lib/postgresql/data";
  const data = volumes.find((v) => v.endsWith(`:${dataPath}`));
  assert.ok(data, `a volume on ${dataPath}`);
  assert.ok(Object.keys(obj(compose.volumes)).includes(data.split(":")[0]!), "it is a named volume");
  const check = (obj(postgres.healthcheck).test as string[]).join(" ");
  const db = environment(postgres);
  assert.match(check, new RegExp(`pg_isready -U ${db.POSTGRES_USER} -d ${db.POSTGRES_DB}`));
  assert.equal(postgres.ports, undefined, "the database is not published on the host");

  const server = obj(services.server);
  assert.deepEqual(obj(obj(server.depends_on).postgres), { condition: "service_healthy" });
  const url = new URL(loadConfig(environment(server)).databaseUrl!);
  assert.deepEqual([url.hostname, url.port, url.username, url.password, url.pathname], ["postgres", "5432", db.POSTGRES_USER, db.POSTGRES_PASSWORD, `/${db.POSTGRES_DB}`]);
  const withPassword = (service: Obj) => Object.fromEntries(Object.entries(obj(service.environment)).map(([k, v]) => [k, interpolate(String(v), { POSTGRES_PASSWORD: "s3cret" })]));
  assert.equal(new URL(String(withPassword(server).HEADCOUNT_DATABASE_URL)).password, withPassword(postgres).POSTGRES_PASSWORD, "one password for both");
});

test("every setting passed through to the server is documented in .env.example, and those values load", () => {
  const example = Object.fromEntries(
    read(".env.example")
      .split("\n")
      .map((l) => /^(HEADCOUNT_\w+)=(.*)$/.exec(l.trim()))
      .filter((m) => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
  const raw = obj(obj(services.server).environment);
  const passed = Object.entries(raw).filter(([, v]) => /^\$\{\w+:-\}$/.test(String(v)));
  assert.ok(passed.length > 0);
  for (const [key, value] of passed) {
    assert.equal(String(value), `\${${key}:-}`, `${key} is passed through under its own name`);
    assert.ok(key in example, `${key} is not a setting .env.example documents`);
  }
  const shell = Object.fromEntries(passed.map(([key]) => [key, example[key]]));
  const env = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(String(v), shell)]));
  assert.doesNotThrow(() => loadConfig(env));
});

test("the web app reads gRPC-Web from its own origin, i.e. through Envoy", () => {
  assert.deepEqual(parseGrpcWebSetting(environment(obj(services.web)).HEADCOUNT_GRPC_WEB_URL), { kind: "same-origin" });
});

test("envoy.yaml and docker-compose.yml agree: mounts, listener ports, upstream names and ports", () => {
  const envoy = obj(services.envoy);
  const mounts = ((envoy.volumes as unknown[]) ?? []).map(obj);
  const command = (envoy.command as string[]).join(" ");
  const configMount = mounts.find((m) => m.source === "./envoy/envoy.yaml");
  assert.ok(configMount && command.includes(`-c ${String(configMount.target)}`), "Envoy is started with the mounted envoy.yaml");
  const certMount = mounts.find((m) => interpolate(String(m.source), {}) === "./envoy/certs")!;
  const files = [...read("envoy/envoy.yaml").matchAll(/filename: (\S+?)\s*\}/g)].map((m) => m[1]!);
  assert.ok(files.length >= 3);
  for (const file of files) assert.equal(posix.dirname(file), certMount.target, `${file} is in the mounted certificate folder`);

  const listeners = ((obj(envoyYaml.static_resources).listeners as unknown[]) ?? []).map((l) => Number(obj(obj(obj(l).address).socket_address).port_value));
  const published = ((envoy.ports as string[]) ?? []).map((p) => Number(interpolate(p, {}).split(":").pop()));
  assert.deepEqual(published.sort(), listeners.sort());

  const server = clusterEndpoint("headcount_server");
  assert.deepEqual(server, { address: "server", port: loadConfig(environment(obj(services.server))).grpcPort });
  const web = clusterEndpoint("headcount_web");
  assert.deepEqual(web, { address: "web", port: Number(environment(obj(services.web)).PORT) });
});

test("the server can be scaled (docker compose up --scale server=N): no fixed name, no host port", () => {
  const server = obj(services.server);
  assert.equal(server.container_name, undefined);
  assert.equal(server.ports, undefined);
});

/** The first endpoint of an Envoy cluster (envoy.yaml as plain YAML, snake_case). */
function clusterEndpoint(name: string): { address: string; port: number } {
  const clusters = ((obj(envoyYaml.static_resources).clusters as unknown[]) ?? []).map(obj);
  const cluster = clusters.find((c) => c.name === name);
  assert.ok(cluster, `cluster ${name} in envoy.yaml`);
  const group = obj(((obj(cluster.load_assignment).endpoints as unknown[]) ?? [])[0]);
  const endpoint = obj(((group.lb_endpoints as unknown[]) ?? [])[0]);
  const socket = obj(obj(obj(endpoint.endpoint).address).socket_address);
  return { address: String(socket.address), port: Number(socket.port_value) };
}
