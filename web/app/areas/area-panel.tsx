"use client";

/**
 * Areas on the count page: make one from cameras' counting lines (its
 * doors), and reset, delete or open the display of each. Test hooks:
 * `area-panel`, `area-name`, `area-capacity`, `area-reset-time`,
 * `area-entrance` (checkbox, `data-camera-id`), `area-create` (also saves an edit), `area-cancel`,
 * `area-error`, rows `area-row` (`data-area-id`) with `area-display`, `area-edit`, `area-reset`, `area-delete`.
 */

import Link from "next/link";
import { useEffect, useState, type FormEvent } from "react";
import type { Area } from "@headcount/proto/area";
import type { Camera } from "@headcount/proto/count";
import { AreaClient, areaFailure, minutesOf, timeOf } from "@/lib/areas/area-client";
import { resolveGrpcWebUrl, type GrpcWebSetting } from "@/lib/grpc-web-url";

/** Props of {@link AreaPanel}. */
export interface AreaPanelProps {
  readonly grpcWeb: GrpcWebSetting;
  readonly cameras: readonly Camera[];
  readonly areas: readonly Area[];
}

/** The form and the list of areas. */
export function AreaPanel({ grpcWeb, cameras, areas }: AreaPanelProps) {
  const [client, setClient] = useState<AreaClient | null>(null);
  const [name, setName] = useState("");
  const [capacity, setCapacity] = useState("");
  const [resetTime, setResetTime] = useState("04:00");
  const [doors, setDoors] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** The area being edited, or null while the form makes a new one. */
  const [editing, setEditing] = useState<Area | null>(null);
  useEffect(() => {
    const resolved = resolveGrpcWebUrl(grpcWeb, window.location);
    setClient(resolved.ok ? new AreaClient(resolved.url) : null);
  }, [grpcWeb]);

  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (cause) {
      setError(areaFailure(cause));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!client) return;
    const resetMinute = minutesOf(resetTime);
    const cap = capacity.trim() === "" ? undefined : Number(capacity);
    if (resetMinute === null) return setError("The daily reset needs a time such as 04:00.");
    if (cap !== undefined && !(Number.isInteger(cap) && cap >= 1)) return setError("The capacity is a whole number of people, at least 1; leave it empty for no limit.");
    if (doors.size === 0) return setError("Pick at least one camera as a door.");
    const timeZone = editing?.settings?.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone;
    // An edit keeps the lines the area already uses on a camera; a new door is the camera's line.
    const kept = new Map((editing?.settings?.entrances ?? []).map((e) => [e.cameraId, e.lineId]));
    const entrances = [...doors].map((cameraId) => ({ cameraId, lineId: kept.get(cameraId) ?? "line" }));
    const settings = { name, capacity: cap, resetMinute, timeZone, entrances };
    const ok = await act(() => (editing ? client.update(editing.areaId, settings) : client.create(settings)));
    if (ok) clear();
  };
  const clear = () => {
    setEditing(null);
    setName("");
    setCapacity("");
    setResetTime("04:00");
    setDoors(new Set());
  };
  const startEdit = (area: Area) => {
    setEditing(area);
    setError(null);
    setName(area.settings?.name ?? "");
    setCapacity(area.settings?.capacity === undefined ? "" : String(area.settings.capacity));
    setResetTime(timeOf(area.settings?.resetMinute ?? 240));
    setDoors(new Set(area.settings?.entrances.map((e) => e.cameraId) ?? []));
  };
  const toggle = (cameraId: string, on: boolean) => {
    const next = new Set(doors);
    if (on) next.add(cameraId);
    else next.delete(cameraId);
    setDoors(next);
  };

  return (
    <section className="panel area-panel" data-testid="area-panel" id="areas">
      <h2>Areas</h2>
      <p className="muted small">
        An area adds up several doors: people inside = crossings in minus crossings out over its doors&apos; counting lines since the daily reset.
      </p>
      {areas.length > 0 ? (
        <ul className="area-list">
          {areas.map((area) => (
            <li key={area.areaId} data-testid="area-row" data-area-id={area.areaId}>
              <strong>{area.settings?.name}</strong>{" "}
              <span className="muted">
                {area.counts?.inside ?? 0}
                {area.settings?.capacity === undefined ? "" : ` of ${area.settings.capacity}`} inside, {area.settings?.entrances.length ?? 0} doors
              </span>{" "}
              <Link href={`/areas/${encodeURIComponent(area.areaId)}/display`} data-testid="area-display">
                Display
              </Link>{" "}
              <button type="button" disabled={busy} data-testid="area-edit" onClick={() => startEdit(area)}>
                Edit
              </button>{" "}
              <button type="button" disabled={busy || !client} data-testid="area-reset" onClick={() => void act(() => client!.reset(area.areaId))}>
                Reset to 0
              </button>{" "}
              <button type="button" disabled={busy || !client} data-testid="area-delete" onClick={() => void act(() => client!.remove(area.areaId))}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form onSubmit={(e) => void submit(e)} className="area-form">
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required data-testid="area-name" />
        </label>
        <label>
          Capacity <input value={capacity} onChange={(e) => setCapacity(e.target.value)} inputMode="numeric" placeholder="no limit" data-testid="area-capacity" size={8} />
        </label>
        <label>
          Daily reset <input type="time" value={resetTime} onChange={(e) => setResetTime(e.target.value)} data-testid="area-reset-time" />
        </label>
        <fieldset>
          <legend>Doors (cameras with a counting line)</legend>
          {cameras.map((c) => (
            <label key={c.cameraId} className={c.line ? "" : "muted"}>
              <input
                type="checkbox"
                disabled={!c.line}
                checked={doors.has(c.cameraId)}
                onChange={(e) => toggle(c.cameraId, e.target.checked)}
                data-testid="area-entrance"
                data-camera-id={c.cameraId}
              />{" "}
              {c.name || c.cameraId}
              {c.line ? "" : " (no line yet)"}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={busy || !client} data-testid="area-create">
          {editing ? `Save ${editing.settings?.name ?? "area"}` : "Create area"}
        </button>
        {editing ? (
          <button type="button" onClick={clear} data-testid="area-cancel">
            Cancel
          </button>
        ) : null}
        {error ? (
          <p className="alert" role="alert" data-testid="area-error">
            {error}
          </p>
        ) : null}
      </form>
    </section>
  );
}
