"use client";

import { useEffect, useState } from "react";
import { CountsFeed } from "@/lib/count/counts-feed";
import { HistoryClient } from "@/lib/count/history-client";
import { resolveGrpcWebUrl } from "@/lib/grpc-web-url";
import type { GrpcWebSetting } from "@/lib/grpc-web-url";

/** The count pages' connections: the live feed, and the client for history and management (null when the endpoint setting is broken). */
export interface CountData {
  readonly feed: CountsFeed;
  readonly history: HistoryClient | null;
}

/**
 * Creates the live feed and the history client in the browser (they need
 * `location`), starts the feed, and stops it on unmount. Null until mounted.
 */
export function useCountData(grpcWeb: GrpcWebSetting): CountData | null {
  const [data, setData] = useState<CountData | null>(null);
  useEffect(() => {
    const resolved = resolveGrpcWebUrl(grpcWeb, window.location);
    const feed = resolved.ok ? new CountsFeed(resolved.url, null) : new CountsFeed(null, resolved.message);
    feed.start();
    setData({ feed, history: resolved.ok ? new HistoryClient(resolved.url) : null });
    return () => feed.stop();
  }, [grpcWeb]);
  return data;
}
