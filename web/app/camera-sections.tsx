"use client";

/**
 * The cameras of the count page, made for many: a search box, a sort choice
 * (name, most people, offline first), tiles or a table (the table by itself
 * from 13 cameras), and a section per area with its entrance cameras, then
 * the others. Test hooks: `camera-search`, `camera-sort`, `camera-layout`
 * (auto | tiles | table; `?view=tiles` or `?view=table` in the address picks one), `board-layout` (`data-layout`: tiles | table),
 * `area-section` (`data-area-id`, "" for cameras in no area), `search-empty`.
 */

import { memo, useEffect, useMemo, useState } from "react";
import type { Area } from "@headcount/proto/area";
import type { Camera } from "@headcount/proto/count";
import { CameraTable } from "@/components/camera-table";
import { stateName } from "@/components/summary-strip";
import { type BoardLayoutChoice, type CameraSort, filterCameras, sectionsOf, showsTable, sortCamerasBy } from "@/lib/count/board-order";
import { CameraTile } from "./camera-tile";

// A changes-only message replaces only the cameras that changed: the other tiles keep their props and skip rendering.
const Tile = memo(CameraTile);

/** Props of {@link CameraSections}. */
export interface CameraSectionsProps {
  readonly cameras: readonly Camera[];
  readonly areas: readonly Area[];
  readonly nowMs: number;
  readonly serverTimeMs: number | null;
  readonly receivedAtMs: number | null;
  readonly stale: boolean;
}

/** Toolbar and sections of cameras. */
export function CameraSections({ cameras, areas, nowMs, serverTimeMs, receivedAtMs, stale }: CameraSectionsProps) {
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<CameraSort>("name");
  const [layout, setLayout] = useState<BoardLayoutChoice>("auto");
  // A bookmarkable choice: /?view=tiles or /?view=table (a wall screen that should always show one of them).
  useEffect(() => {
    const asked = new URLSearchParams(window.location.search).get("view");
    if (asked === "tiles" || asked === "table") setLayout(asked);
  }, []);
  const table = showsTable(layout, cameras.length);
  const sections = useMemo(() => sectionsOf(sortCamerasBy(filterCameras(cameras, query), sort), areas), [cameras, areas, query, sort]);
  const shown = sections.reduce((n, s) => n + s.cameras.length, 0);
  return (
    <div className="camera-sections" data-testid="board-layout" data-layout={table ? "table" : "tiles"}>
      <div className="board-toolbar">
        <input
          type="search"
          placeholder={`Search ${cameras.length} cameras`}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="camera-search"
          aria-label="Search cameras by name or id"
        />
        <label>
          Sort{" "}
          <select value={sort} onChange={(e) => setSort(e.target.value as CameraSort)} data-testid="camera-sort">
            <option value="name">by name</option>
            <option value="people">most people first</option>
            <option value="offline">offline first</option>
          </select>
        </label>
        <label>
          View{" "}
          <select value={layout} onChange={(e) => setLayout(e.target.value as BoardLayoutChoice)} data-testid="camera-layout">
            <option value="auto">automatic</option>
            <option value="tiles">tiles</option>
            <option value="table">table</option>
          </select>
        </label>
      </div>
      {shown === 0 && query ? (
        <p className="muted" data-testid="search-empty">
          No camera matches “{query}”.
        </p>
      ) : null}
      {sections.map((section) =>
        section.cameras.length === 0 && (query || !section.area) ? null : (
          <section key={section.area?.areaId ?? ""} className="area-section" data-testid="area-section" data-area-id={section.area?.areaId ?? ""}>
            {areas.length > 0 ? <SectionHead area={section.area} count={section.cameras.length} /> : null}
            {table ? (
              <CameraTable cameras={section.cameras} stale={stale} />
            ) : (
              <ul className="tiles">
                {section.cameras.map((camera) => (
                  <Tile key={camera.cameraId} camera={camera} nowMs={nowMs} serverTimeMs={serverTimeMs} receivedAtMs={receivedAtMs} stale={stale} />
                ))}
              </ul>
            )}
          </section>
        ),
      )}
    </div>
  );
}

function SectionHead({ area, count }: { readonly area: Area | null; readonly count: number }) {
  if (!area) return <h2 className="section-head">Cameras in no area</h2>;
  const capacity = area.settings?.capacity;
  return (
    <h2 className="section-head">
      {area.settings?.name}{" "}
      <span className={`badge area-${stateName(area)}`} data-testid="section-inside" data-inside={area.counts?.inside ?? 0}>
        {area.counts?.inside ?? 0}
        {capacity === undefined ? "" : ` of ${capacity}`} inside
      </span>{" "}
      <span className="muted small">
        {count} door camera{count === 1 ? "" : "s"}, {area.counts?.entered ?? 0} in and {area.counts?.left ?? 0} out today
      </span>
    </h2>
  );
}
