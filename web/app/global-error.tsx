"use client";

import { useEffect } from "react";

/**
 * Last-resort boundary for errors in the root layout. It replaces the whole
 * document, so it brings its own <html>, <body> and (inline) styles.
 */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const message = error instanceof Error ? error.message : String(error);
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", background: "#0f172a", color: "#e2e8f0", padding: "2rem" }}>
        <title>headcount: error</title>
        <h1>headcount stopped working</h1>
        <p>{message || "An unexpected error occurred."}</p>
        <button type="button" onClick={() => retry()} style={{ padding: "0.6rem 1.2rem", fontSize: "1rem" }}>
          Try again
        </button>
      </body>
    </html>
  );
}
