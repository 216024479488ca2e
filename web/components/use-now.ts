"use client";

import { useEffect, useState } from "react";

/** Date.now(), refreshed every `intervalMs` (for "3 s ago" and countdowns). 0 during server rendering. */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(0);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
