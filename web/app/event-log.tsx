"use client";

import { useEffect, useRef, useState } from "react";
import type { ListEventsRequest } from "@headcount/proto/count";
import { EVENT_PAGE_SIZE, appendOlder, eventKindLabel, eventKindName, eventReasonLabel, eventReasonName, mergeNewest } from "@/lib/count/event-log";
import type { LoadedEvents } from "@/lib/count/event-log";
import type { HistoryClient } from "@/lib/count/history-client";
import type { ResolvedRange } from "@/lib/count/series-range";

/** What the log shows; a new object asks for the newest page again. */
export interface EventLogRequest {
  /** Camera and range choice: when it changes, the log starts over instead of merging. */
  readonly selectionId: string;
  readonly cameraId: string;
  readonly range: ResolvedRange;
}

/** Props of {@link EventLog}. */
export interface EventLogProps {
  readonly history: HistoryClient;
  readonly request: EventLogRequest | null;
  /** Camera id → display name. */
  readonly cameraNames: ReadonlyMap<string, string>;
}

interface Shown extends LoadedEvents {
  readonly selectionId: string;
}

function listRequest(request: EventLogRequest, cursor: string): ListEventsRequest {
  // A live range stays open at the end, so events newer than the last refresh still show.
  return { cameraId: request.cameraId, fromMs: request.range.fromMs, toMs: request.range.live ? 0 : request.range.toMs, limit: EVENT_PAGE_SIZE, cursor };
}

const TIME_FORMAT: Intl.DateTimeFormatOptions = { dateStyle: "short", timeStyle: "medium" };

/**
 * The event log of the selected camera (or all) and range, newest first,
 * one page at a time. Test hooks: `event-log` (the section, `data-count` rows
 * loaded, `data-state`), `event-row` with `data-kind` (entry | exit |
 * cross_in | cross_out | reset), `data-reason` ("" | capture_stopped | session_lost:
 * an exit counted because its session ended), `data-camera-id`, `data-track-id`,
 * `data-time-ms`, `data-event-id`; `events-older`; `event-log-error`.
 */
export function EventLog({ history, request, cameraNames }: EventLogProps) {
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const latest = useRef<EventLogRequest | null>(null);
  latest.current = request;

  useEffect(() => {
    if (!request) return;
    let cancelled = false;
    void history.events(listRequest(request, "")).then((result) => {
      if (cancelled) return;
      if (!result.ok) {
        setError(result.message);
        return;
      }
      setError(null);
      const fresh = { events: result.value.events, nextCursor: result.value.nextCursor };
      setShown((current) =>
        current && current.selectionId === request.selectionId
          ? { selectionId: request.selectionId, ...mergeNewest(current, fresh) }
          : { selectionId: request.selectionId, ...fresh },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [history, request]);

  const loadOlder = async (): Promise<void> => {
    const current = latest.current;
    if (!current || !shown || !shown.nextCursor) return;
    setBusy(true);
    const result = await history.events(listRequest(current, shown.nextCursor));
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setError(null);
    const older = { events: result.value.events, nextCursor: result.value.nextCursor };
    setShown((now) => (now && now.selectionId === current.selectionId ? { selectionId: now.selectionId, ...appendOlder(now, older) } : now));
  };

  const visible = shown && request && shown.selectionId === request.selectionId ? shown : null;
  return (
    <section className="panel event-log" data-testid="event-log" data-count={visible?.events.length ?? 0} data-state={visible ? "ready" : "loading"} aria-label="Event log">
      <h2>Event log</h2>
      {error ? (
        <p className="alert" role="alert" data-testid="event-log-error">
          {error}
        </p>
      ) : null}
      {visible && visible.events.length === 0 ? <p className="muted">No events in this range.</p> : null}
      {visible && visible.events.length > 0 ? (
        <div className="table-scroll">
          <table className="events">
            <thead>
              <tr>
                <th>time</th>
                <th>camera</th>
                <th>kind</th>
                <th>track</th>
              </tr>
            </thead>
            <tbody>
              {visible.events.map((event) => {
                const kind = eventKindName(event.kind);
                const reason = eventReasonLabel(event.reason);
                return (
                  <tr
                    key={event.id}
                    className={`event-${kind}`}
                    data-testid="event-row"
                    data-event-id={event.id}
                    data-kind={kind}
                    data-reason={eventReasonName(event.reason)}
                    data-camera-id={event.cameraId}
                    data-track-id={event.trackId}
                    data-time-ms={event.timeMs}
                  >
                    <td>{new Date(event.timeMs).toLocaleString(undefined, TIME_FORMAT)}</td>
                    <td title={event.cameraId}>{cameraNames.get(event.cameraId) || event.cameraId}</td>
                    <td>
                      {eventKindLabel(event.kind)}
                      {reason ? <span className="muted small"> ({reason})</span> : null}
                    </td>
                    <td>{event.trackId > 0 ? `#${event.trackId}` : "-"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {visible && visible.nextCursor ? (
        <button type="button" className="button" data-testid="events-older" disabled={busy} onClick={() => void loadOlder()}>
          {busy ? "Loading…" : "Older events"}
        </button>
      ) : null}
    </section>
  );
}
