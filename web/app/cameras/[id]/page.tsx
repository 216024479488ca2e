import type { Metadata } from "next";
import { connection } from "next/server";
import { readGrpcWebSetting } from "@/lib/grpc-web-url";
import { ViewerGate } from "@/components/viewer-gate";
import { CameraDetails } from "./camera-details";

/** The route's dynamic segment: the camera id. */
type Params = Promise<{ id: string }>;

/** Document title: the camera id (its name is only known in the browser, from the live feed). */
export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Camera ${id}` };
}

/**
 * One camera's page: its live tile, rename, reset, counting line drawn on its
 * latest frame, and its history. Rendered per request so HEADCOUNT_GRPC_WEB_URL
 * is read at run time.
 */
export default async function CameraPage({ params }: { params: Params }) {
  await connection();
  const { id } = await params;
  const grpcWeb = readGrpcWebSetting();
  return (
    <ViewerGate grpcWeb={grpcWeb}>
      <CameraDetails grpcWeb={grpcWeb} cameraId={id} />
    </ViewerGate>
  );
}
