"use client";

import { useEffect, useState, type RefObject } from "react";

/**
 * Re-renders the component whenever the element changes size, so an overlay
 * canvas is repainted at its new size (canvas pixels do not follow CSS).
 */
export function useRerenderOnResize(ref: RefObject<HTMLElement | null>): void {
  const [, setResizes] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => setResizes((n) => n + 1));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
}
