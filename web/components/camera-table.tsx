/**
 * The compact view of many cameras: one row each. Test hooks: `camera-table`,
 * rows `camera-row` with `data-camera-id`, cells `row-in-view`,
 * `row-online` (online | offline | unknown), `row-entered-today`,
 * `row-exited-today`, `row-in-today`, `row-out-today`.
 */

import Link from "next/link";
import { memo } from "react";
import type { Camera } from "@headcount/proto/count";
import { formatRate } from "@/components/format";

/** Props of {@link CameraTable}. */
export interface CameraTableProps {
  readonly cameras: readonly Camera[];
  /** True while the server cannot be reached: nobody knows who is online. */
  readonly stale: boolean;
}

/** A table of cameras, in the order given. */
export function CameraTable({ cameras, stale }: CameraTableProps) {
  return (
    <div className="camera-table-wrap">
      <table className="camera-table" data-testid="camera-table">
        <thead>
          <tr>
            <th scope="col">camera</th>
            <th scope="col">status</th>
            <th scope="col" className="num">in view</th>
            <th scope="col" className="num" title="Since local midnight">entered today</th>
            <th scope="col" className="num">exited today</th>
            <th scope="col" className="num">crossed in today</th>
            <th scope="col" className="num">crossed out today</th>
            <th scope="col" className="num">fps</th>
          </tr>
        </thead>
        <tbody>
          {cameras.map((c) => (
            <Row key={c.cameraId} camera={c} stale={stale} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

// Memoized: a changes-only message replaces only the cameras that changed, so only their rows render again.
const Row = memo(function Row({ camera, stale }: { readonly camera: Camera; readonly stale: boolean }) {
  const online = stale ? "unknown" : camera.online ? "online" : "offline";
  return (
    <tr data-testid="camera-row" data-camera-id={camera.cameraId} className={`row-${online}`}>
      <th scope="row">
        <Link href={`/cameras/${encodeURIComponent(camera.cameraId)}`} title={camera.cameraId}>
          {camera.name || camera.cameraId}
        </Link>
      </th>
      <td>
        <span className={`badge ${online}`} data-testid="row-online">
          {online}
        </span>
      </td>
      <td className="num big-cell" data-testid="row-in-view">{camera.counts?.inView ?? 0}</td>
      <td className="num" data-testid="row-entered-today">{camera.today?.entered ?? "-"}</td>
      <td className="num" data-testid="row-exited-today">{camera.today?.exited ?? "-"}</td>
      <td className="num" data-testid="row-in-today">{camera.today?.crossedIn ?? "-"}</td>
      <td className="num" data-testid="row-out-today">{camera.today?.crossedOut ?? "-"}</td>
      <td className="num">{online === "online" ? formatRate(camera.ackedFps) : "-"}</td>
    </tr>
  );
});
