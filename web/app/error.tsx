"use client";

import { ErrorPanel } from "@/components/error-panel";

/** Error boundary of the count page (and any route without its own). */
export default function CountsError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel what="The count page" error={error} retry={retry} />;
}
