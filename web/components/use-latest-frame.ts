"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { HistoryClient } from "@/lib/count/history-client";

/** A camera's latest frame as an object URL. */
export interface LatestFrame {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly capturedAtMs: number;
}

/** How often the picture of a live camera is refreshed while nothing is being drawn on it. */
const FRAME_REFRESH_MS = 5_000;

/**
 * The camera's latest frame (GetLatestFrame), loaded at once and refreshed
 * while the camera is online and `paused` is false (a picture never changes
 * under a line or zone being drawn). The object URL is revoked when replaced.
 */
export function useLatestFrame(history: HistoryClient, cameraId: string, online: boolean, paused: boolean) {
  const frameUrl = useRef<string | null>(null);
  const [frame, setFrame] = useState<LatestFrame | null>(null);
  const [frameError, setFrameError] = useState<string | null>(null);

  const loadFrame = useCallback(async (): Promise<void> => {
    const result = await history.latestFrame(cameraId);
    if (!result.ok) {
      setFrameError(result.message);
      return;
    }
    const { jpeg, width, height, capturedAtMs } = result.value;
    const url = URL.createObjectURL(new Blob([jpeg.slice()], { type: "image/jpeg" }));
    if (frameUrl.current) URL.revokeObjectURL(frameUrl.current);
    frameUrl.current = url;
    setFrameError(null);
    setFrame({ url, width: width || 16, height: height || 9, capturedAtMs });
  }, [history, cameraId]);

  useEffect(() => {
    void loadFrame();
  }, [loadFrame]);
  useEffect(() => {
    if (!online || paused) return;
    const timer = setInterval(() => void loadFrame(), FRAME_REFRESH_MS);
    return () => clearInterval(timer);
  }, [online, paused, loadFrame]);
  useEffect(
    () => () => {
      if (frameUrl.current) URL.revokeObjectURL(frameUrl.current);
      frameUrl.current = null;
    },
    [],
  );
  return { frame, frameError, loadFrame };
}
