"use client";

/**
 * The occupancy display: one huge "N of CAPACITY inside" on green, amber or
 * red with a short message, and nothing else. While the server cannot be
 * reached it shows "Reconnecting…" on grey and no number, so a screen at the
 * door never passes an old count off as current. Test hooks:
 * `occupancy-display` (`data-tone`: green | amber | red | grey, `data-state`:
 * connecting | live | reconnecting | error, `data-inside`), `occupancy-headline`, `occupancy-message`.
 */

import { useEffect, useState, useSyncExternalStore } from "react";
import { AreaFeed, type AreaFeedView } from "@/lib/areas/area-feed";
import { occupancyText } from "@/lib/areas/occupancy-text";
import { resolveGrpcWebUrl, type GrpcWebSetting } from "@/lib/grpc-web-url";
import "./display.css";

/** Props of {@link OccupancyDisplay}. */
export interface OccupancyDisplayProps {
  readonly grpcWeb: GrpcWebSetting;
  readonly areaId: string;
}

/** Creates the feed in the browser and renders the display. */
export function OccupancyDisplay({ grpcWeb, areaId }: OccupancyDisplayProps) {
  const [feed, setFeed] = useState<AreaFeed | null>(null);
  const [configError, setConfigError] = useState<string | null>(null);
  useEffect(() => {
    const resolved = resolveGrpcWebUrl(grpcWeb, window.location);
    if (!resolved.ok) {
      setConfigError(resolved.message);
      return;
    }
    const f = new AreaFeed(resolved.url, areaId);
    f.start();
    setFeed(f);
    return () => f.stop();
  }, [grpcWeb, areaId]);
  if (configError) return <Screen view={{ state: "error", area: null, receivedAtMs: null, error: configError }} />;
  return feed ? <LiveScreen feed={feed} /> : <Screen view={null} />;
}

function LiveScreen({ feed }: { readonly feed: AreaFeed }) {
  const view = useSyncExternalStore(feed.subscribe, feed.getSnapshot, feed.getSnapshot);
  return <Screen view={view} />;
}

function Screen({ view }: { readonly view: AreaFeedView | null }) {
  const live = view?.state === "live";
  const text = occupancyText(view?.area ?? null, live);
  const message = view?.state === "error" ? (view.error ?? "Something is wrong.") : text.message;
  return (
    <div
      className={`occupancy occupancy-${text.tone}`}
      data-testid="occupancy-display"
      data-tone={text.tone}
      data-state={view?.state ?? "connecting"}
      data-inside={live ? (view?.area?.counts?.inside ?? 0) : ""}
      role="status"
      aria-live="polite"
    >
      <p className="occupancy-name">{view?.area?.settings?.name ?? ""}</p>
      <p className="occupancy-headline" data-testid="occupancy-headline">
        {text.headline}
      </p>
      <p className="occupancy-message" data-testid="occupancy-message">
        {message}
      </p>
    </div>
  );
}
