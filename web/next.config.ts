import path from "node:path";
import type { NextConfig } from "next";

// Telemetry is read when Next.js creates its Telemetry object, which happens
// after this file is loaded, so setting the variable here keeps every
// `next build` / `next start` of this app silent even without the env var.
process.env.NEXT_TELEMETRY_DISABLED = "1";

// The npm workspace root: @headcount/proto is a symlinked workspace package, so
// both Turbopack and the standalone file tracer must look above web/.
const workspaceRoot = path.resolve(__dirname, "..");

/** Next.js configuration for the headcount web app. */
const nextConfig: NextConfig = {
  // @headcount/proto exports raw TypeScript (protobuf-ts output).
  transpilePackages: ["@headcount/proto"],
  // The Docker image builds the self-contained server (NEXT_OUTPUT=standalone);
  // `npm start` on a machine uses `next start`, which refuses to serve that output.
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  outputFileTracingRoot: workspaceRoot,
  turbopack: { root: workspaceRoot },
  // No next/image here; keep the image optimizer (and its native sharp) out of the standalone output.
  images: { unoptimized: true },
  outputFileTracingExcludes: { "*": ["../node_modules/sharp/**/*", "../node_modules/@img/**/*"] },
  poweredByHeader: false,
  // `next dev` would otherwise write an AGENTS.md into web/.
  agentRules: false,
};

export default nextConfig;
