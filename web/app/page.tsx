import type { Metadata } from "next";
import { connection } from "next/server";
import { readGrpcWebSetting } from "@/lib/grpc-web-url";
import { ViewerGate } from "@/components/viewer-gate";
import { CountBoard } from "./count-board";

/** Document title. */
export const metadata: Metadata = { title: "Counts" };

/**
 * The count page: a live tile per camera, counts over time, the event log,
 * exports and pairing (see count-board.tsx). Rendered per request so the
 * gRPC-Web location (HEADCOUNT_GRPC_WEB_URL) is read at run time, not baked into the build.
 */
export default async function CountsPage() {
  await connection();
  const grpcWeb = readGrpcWebSetting();
  return (
    <ViewerGate grpcWeb={grpcWeb}>
      <CountBoard grpcWeb={grpcWeb} />
    </ViewerGate>
  );
}
