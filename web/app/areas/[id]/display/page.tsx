import type { Metadata } from "next";
import { connection } from "next/server";
import { readGrpcWebSetting } from "@/lib/grpc-web-url";
import { ViewerGate } from "@/components/viewer-gate";
import { OccupancyDisplay } from "./occupancy-display";

/** Document title. */
export const metadata: Metadata = { title: "Occupancy" };

/**
 * The occupancy display of one area: a kiosk page for a tablet or a TV at
 * the door (see occupancy-display.tsx). Signed in once with the viewer
 * password, the device keeps its viewer token.
 */
export default async function DisplayPage({ params }: { readonly params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const grpcWeb = readGrpcWebSetting();
  return (
    <ViewerGate grpcWeb={grpcWeb}>
      <OccupancyDisplay grpcWeb={grpcWeb} areaId={decodeURIComponent(id)} />
    </ViewerGate>
  );
}
