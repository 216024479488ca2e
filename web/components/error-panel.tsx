"use client";

import { useEffect } from "react";

/** Props of {@link ErrorPanel}. */
export interface ErrorPanelProps {
  /** What the page was doing, e.g. "The capture page". */
  readonly what: string;
  /** The thrown value; its message is shown only for client errors (server errors arrive redacted). */
  readonly error: unknown;
  readonly retry: () => void;
}

/** The body of every error.tsx: a readable message and a retry button. */
export function ErrorPanel({ what, error, retry }: ErrorPanelProps) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const message = error instanceof Error ? error.message : String(error);
  const digest =
    typeof error === "object" && error !== null && "digest" in error && typeof error.digest === "string"
      ? error.digest
      : null;
  return (
    <section className="panel error-panel" role="alert" data-testid="route-error">
      <h1>{what} stopped working</h1>
      <p>{message || "An unexpected error occurred."}</p>
      {digest ? <p className="muted">Error reference: {digest} (see the web server log).</p> : null}
      <button type="button" className="button primary" onClick={() => retry()}>
        Try again
      </button>
    </section>
  );
}
