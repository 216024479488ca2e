/**
 * The count page's summary strip: cameras online of total, people in view
 * and entered today over every camera, and each area's inside-now. Test
 * hooks: `summary-strip`, `summary-online` (`data-online`, `data-total`),
 * `summary-in-view`, `summary-entered-today`, and per area `summary-area`
 * with `data-area-id`, `data-inside`, `data-state` (none | ok | near | full).
 */

import Link from "next/link";
import { CapacityState, type Area } from "@headcount/proto/area";
import type { BoardSummary } from "@/lib/count/board-order";

const STATE_NAME: Record<CapacityState, string> = {
  [CapacityState.UNSPECIFIED]: "none",
  [CapacityState.NONE]: "none",
  [CapacityState.OK]: "ok",
  [CapacityState.NEAR]: "near",
  [CapacityState.FULL]: "full",
};

/** The capacity state's name, as in `data-state`. */
export function stateName(area: Area): string {
  return STATE_NAME[area.counts?.state ?? CapacityState.UNSPECIFIED];
}

/** Props of {@link SummaryStrip}. */
export interface SummaryStripProps {
  readonly summary: BoardSummary;
  readonly areas: readonly Area[];
  /** True while the figures are the last known ones. */
  readonly stale: boolean;
}

/** One line of big figures above the cameras. */
export function SummaryStrip({ summary, areas, stale }: SummaryStripProps) {
  return (
    <section className={`summary-strip${stale ? " summary-stale" : ""}`} data-testid="summary-strip" aria-label="Summary">
      <Figure label="cameras online" testId="summary-online" value={`${summary.online} / ${summary.total}`} data={{ "data-online": summary.online, "data-total": summary.total }} />
      <Figure label="in view now" testId="summary-in-view" value={summary.inView} />
      <Figure label="entered today" testId="summary-entered-today" value={summary.enteredToday} />
      {areas.map((area) => {
        const capacity = area.settings?.capacity;
        const inside = area.counts?.inside ?? 0;
        return (
          <Link
            key={area.areaId}
            href={`/areas/${encodeURIComponent(area.areaId)}/display`}
            className={`summary-figure summary-area area-${stateName(area)}`}
            data-testid="summary-area"
            data-area-id={area.areaId}
            data-inside={inside}
            data-state={stateName(area)}
            title="Open the occupancy display"
          >
            <span className="summary-value">{capacity === undefined ? inside : `${inside} / ${capacity}`}</span>
            <span className="summary-label">inside {area.settings?.name}</span>
          </Link>
        );
      })}
    </section>
  );
}

function Figure({ label, testId, value, data = {} }: { readonly label: string; readonly testId: string; readonly value: number | string; readonly data?: Record<string, number> }) {
  return (
    <div className="summary-figure" data-testid={testId} {...data}>
      <span className="summary-value">{value}</span>
      <span className="summary-label">{label}</span>
    </div>
  );
}
