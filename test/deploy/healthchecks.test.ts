/**
 * The containers' health checks, run here as Docker would run them, minus
 * Docker: the server's against the real server, the web app's and Envoy's
 * against small scripted HTTP fakes (the real Next.js and Envoy are not run).
 * Each must pass when its target is healthy and fail when it is not.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { repoRoot } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { healthcheckCommand, parseDockerfile } from "./docker-files.ts";
import { unusedPort } from "../grpc-web/grpc-web-harness.ts";

/** Runs a health check command; resolves with its exit code. */
function runCheck(command: string[], cwd: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const [file, ...args] = command;
    const bin = file === "node" ? process.execPath : file!;
    execFile(bin, args, { cwd, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 15_000 }, (error) =>
      resolve(error ? (typeof error.code === "number" ? error.code : 1) : 0),
    );
  });
}

function imageCheck(dockerfile: string): string[] {
  const command = healthcheckCommand(parseDockerfile(readFileSync(join(repoRoot, dockerfile), "utf8")));
  assert.ok(command, `${dockerfile} has a HEALTHCHECK CMD`);
  return command;
}

/** A fake HTTP server answering every request with `status` and `body`. */
async function fakeHttp(status: number, body: string): Promise<{ port: number; server: Server }> {
  const server = createServer((_, res) => res.writeHead(status).end(body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

const closeAll = (servers: Server[]) => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));

describe("server image health check (a GetAccessPolicy call over native gRPC)", () => {
  const command = imageCheck("server/Dockerfile");
  let running: TestServer;
  let notGrpc: { port: number; server: Server };
  before(async () => {
    // With a viewer password, so the check must use a call that needs no credential.
    running = await startTestServer({ detector: "none", config: { access: { captureAuth: true, captureToken: undefined, viewerPassword: "health-check-password", viewerTokenTtlMs: 60_000 } } });
    notGrpc = await fakeHttp(200, "not gRPC");
  });
  after(async () => {
    await running?.stop();
    await closeAll([notGrpc.server]);
  });

  // Run from server/, the image's WORKDIR, so @grpc/grpc-js resolves the same way.
  const cwd = join(repoRoot, "server");
  test("passes against a running server", async () => {
    assert.equal(await runCheck(command, cwd, { HEADCOUNT_GRPC_PORT: String(running.grpcPort) }), 0);
  });
  test("fails when nothing listens, and when the port answers something other than gRPC", async () => {
    assert.notEqual(await runCheck(command, cwd, { HEADCOUNT_GRPC_PORT: String(await unusedPort()) }), 0);
    assert.notEqual(await runCheck(command, cwd, { HEADCOUNT_GRPC_PORT: String(notGrpc.port) }), 0);
  });
});

describe("web image health check (GET / answers 2xx)", () => {
  const command = imageCheck("web/Dockerfile");
  test("passes on 200, fails on 500 and when nothing listens", async () => {
    const ok = await fakeHttp(200, "<html>");
    const broken = await fakeHttp(500, "error");
    try {
      assert.equal(await runCheck(command, repoRoot, { PORT: String(ok.port) }), 0);
      assert.notEqual(await runCheck(command, repoRoot, { PORT: String(broken.port) }), 0);
      assert.notEqual(await runCheck(command, repoRoot, { PORT: String(await unusedPort()) }), 0);
    } finally {
      await closeAll([ok.server, broken.server]);
    }
  });
});

describe("envoy health check in docker-compose.yml (the admin interface's /ready says LIVE)", () => {
  const compose = parse(readFileSync(join(repoRoot, "docker-compose.yml"), "utf8")) as { services: { envoy: { healthcheck: { test: string[] } } } };
  const [kind, ...command] = compose.services.envoy.healthcheck.test;
  const envoyYaml = readFileSync(join(repoRoot, "envoy/envoy.yaml"), "utf8");
  const adminPort = /admin:\s*\n\s*address:\s*\n\s*socket_address: \{ address: 127\.0\.0\.1, port_value: (\d+) \}/.exec(envoyYaml)?.[1];

  test("targets the admin port of envoy.yaml", () => {
    assert.equal(kind, "CMD");
    assert.ok(adminPort);
    assert.ok(command.join(" ").includes(`/dev/tcp/127.0.0.1/${adminPort}`));
  });

  test("passes when /ready answers LIVE, fails on PRE_INITIALIZING and when nothing listens", async () => {
    // The same command, pointed at a fake admin interface on a free port.
    const at = (port: number) => command.map((part) => part.replace(`/127.0.0.1/${adminPort}`, `/127.0.0.1/${port}`));
    const live = await fakeHttp(200, "LIVE\n");
    const starting = await fakeHttp(503, "PRE_INITIALIZING\n");
    try {
      assert.equal(await runCheck(at(live.port), repoRoot, {}), 0);
      assert.notEqual(await runCheck(at(starting.port), repoRoot, {}), 0);
      assert.notEqual(await runCheck(at(await unusedPort()), repoRoot, {}), 0);
    } finally {
      await closeAll([live.server, starting.server]);
    }
  });
});
