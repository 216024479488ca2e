"use client";

import { ErrorPanel } from "@/components/error-panel";

/** Error boundary of a camera's page. */
export default function CameraError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel what="The camera page" error={error} retry={retry} />;
}
