import type { Metadata } from "next";
import { connection } from "next/server";
import { readGrpcWebSetting } from "@/lib/grpc-web-url";
import { CaptureClient } from "./capture-client";

/** Document title. */
export const metadata: Metadata = { title: "Capture" };

/** The query a pairing link may carry. */
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The capture page: this device's camera -> gRPC-Web -> the server. Rendered
 * per request so HEADCOUNT_GRPC_WEB_URL is read at run time. `?camera=ID&name=NAME#token=T`
 * (a pairing link) sets and remembers the camera identity and its capture
 * credential; the token is read in the browser only (an older `?token=` is moved
 * into the fragment by proxy.ts before this page renders); `?autostart=1` starts
 * capturing as soon as the page is ready (a kiosk with no one to press Start).
 */
export default async function CapturePage({ searchParams }: { searchParams: SearchParams }) {
  await connection();
  const query = await searchParams;
  return <CaptureClient grpcWeb={readGrpcWebSetting()} cameraParam={first(query.camera)} nameParam={first(query.name)} autostart={first(query.autostart) === "1"} />;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
