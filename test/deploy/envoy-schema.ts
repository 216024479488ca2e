/**
 * Envoy's configuration schema without Envoy: the v3 API protos that
 * @grpc/grpc-js-xds ships are built with buf (offline) into an image, and
 * `buf convert` parses an envoy.yaml as envoy.config.bootstrap.v3.Bootstrap
 * against it. An unknown field, a wrong enum value or an unknown `@type`
 * fails with its file, line and column.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../support/paths.ts";

const run = promisify(execFile);

/** The package (a root devDependency) whose deps/ folder holds Envoy's API protos. */
export const ENVOY_API_PACKAGE = "@grpc/grpc-js-xds";

/** The message the whole envoy.yaml is parsed as. */
export const BOOTSTRAP_TYPE = "envoy.config.bootstrap.v3.Bootstrap";

/**
 * Always built: the bootstrap, the HTTP connection manager, the three HTTP
 * filters, upstream HTTP options and TLS. Any other `@type` found in the
 * config is added by its package (see {@link loadEnvoySchema}).
 */
export const BASE_PROTOS: readonly string[] = [
  "envoy/config/bootstrap/v3/bootstrap.proto",
  "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
  "envoy/extensions/filters/http/grpc_web/v3/grpc_web.proto",
  "envoy/extensions/filters/http/cors/v3/cors.proto",
  "envoy/extensions/filters/http/router/v3/router.proto",
  "envoy/extensions/upstreams/http/v3/http_protocol_options.proto",
  "envoy/extensions/transport_sockets/tls/v3/tls.proto",
];

/** The proto roots inside the package's deps/ folder, copied side by side into one buf module. */
const ROOTS: ReadonlyArray<[string, string]> = [
  ["envoy-api/envoy", "envoy"],
  ["xds/udpa", "udpa"],
  ["xds/xds", "xds"],
  ["googleapis/google", "google"],
  ["protoc-gen-validate/validate", "validate"],
];

/** What `buf convert` made of a config: the Bootstrap as proto JSON, or buf's error text. */
export type ConvertResult = { readonly ok: true; readonly bootstrap: unknown } | { readonly ok: false; readonly error: string };

/** A built schema; {@link EnvoySchema.close} removes its temporary folder. */
export interface EnvoySchema {
  /** The .proto files the image was built from (relative to the module root). */
  readonly protos: readonly string[];
  /** Parses `yamlPath` as a Bootstrap. */
  convert(yamlPath: string): Promise<ConvertResult>;
  close(): Promise<void>;
}

/** The `@type` message names used in a config's text (`type.googleapis.com/NAME`). */
export function typeUrlsIn(yamlText: string): string[] {
  return [...new Set([...yamlText.matchAll(/type\.googleapis\.com\/([\w.]+)/g)].map((m) => m[1]!))];
}

/** The deps/ folder of the installed {@link ENVOY_API_PACKAGE}, or a readable error. */
export function envoyApiDeps(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve(`${ENVOY_API_PACKAGE}/package.json`);
    return join(dirname(pkg), "deps");
  } catch {
    throw new Error(`${ENVOY_API_PACKAGE} is not installed: it is a root devDependency (npm ci), needed for Envoy's API protos`);
  }
}

/**
 * Builds the schema image: {@link BASE_PROTOS} plus, for each of `typeNames`
 * that a bundled .proto declares, that file. Names no file declares are left
 * out on purpose, so `buf convert` reports them where they are used.
 */
export async function loadEnvoySchema(typeNames: readonly string[] = []): Promise<EnvoySchema> {
  const deps = envoyApiDeps();
  const dir = await mkdtemp(join(tmpdir(), "envoy-schema-"));
  try {
    const module = join(dir, "protos");
    for (const [from, to] of ROOTS) await cp(join(deps, from), join(module, to), { recursive: true });
    await stripIgnoreEmpty(module);
    const protos = [...new Set([...BASE_PROTOS, ...(await protosDeclaring(module, typeNames))])];
    await writeFile(join(dir, "buf.yaml"), "version: v2\nmodules:\n  - path: protos\n");
    const image = join(dir, "envoy.binpb");
    await run(bufPath(), ["build", "-o", image, ...protos.flatMap((p) => ["--path", join("protos", p)])], { cwd: dir });
    return {
      protos,
      convert: (yamlPath) => convert(image, yamlPath),
      close: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function bufPath(): string {
  return join(repoRoot, "node_modules/.bin/buf");
}

async function convert(image: string, yamlPath: string): Promise<ConvertResult> {
  try {
    const { stdout } = await run(
      bufPath(),
      ["convert", image, "--type", BOOTSTRAP_TYPE, "--from", `${yamlPath}#format=yaml`, "--to", "-#format=json"],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    return { ok: true, bootstrap: JSON.parse(stdout) as unknown };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    return { ok: false, error: stderr?.trim() || String(error) };
  }
}

/**
 * The bundled validate.proto predates the Envoy protos: a few of them set
 * `ignore_empty`, which it does not define. The option only matters to
 * protoc-gen-validate, never to parsing, so it is removed from the copy.
 */
async function stripIgnoreEmpty(module: string): Promise<void> {
  for (const file of await protoFiles(module)) {
    const text = await readFile(file, "utf8");
    if (text.includes("ignore_empty")) await writeFile(file, text.replace(/[\s,]*\bignore_empty\s*:\s*true\b/g, ""));
  }
}

/** Envoy's protos live in the folder of their package: a.b.v3.Msg is declared in a/b/v3/*.proto. */
async function protosDeclaring(module: string, typeNames: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of typeNames) {
    const parts = name.split(".");
    const message = parts.pop()!;
    const folder = join(module, ...parts);
    let files: string[];
    try {
      files = (await readdir(folder)).filter((f) => f.endsWith(".proto"));
    } catch {
      continue;
    }
    for (const file of files) {
      const text = await readFile(join(folder, file), "utf8");
      if (new RegExp(`^message ${message} \\{`, "m").test(text)) found.push([...parts, file].join("/"));
    }
  }
  return found;
}

async function protoFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".proto")).map((e) => join(e.parentPath, e.name));
}
