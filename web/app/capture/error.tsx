"use client";

import { ErrorPanel } from "@/components/error-panel";

/** Error boundary of the capture page. */
export default function CaptureError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel what="The capture page" error={error} retry={retry} />;
}
