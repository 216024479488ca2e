import type { Camera } from "@headcount/proto/count";
import { formatWait } from "@/lib/count/place-ids";

/**
 * A camera's lines and zones on its count page tile: each line's crossings
 * in and out, each zone's people in it now, stays begun and ended, and the
 * longest current wait. Test hooks: `tile-line` and `tile-zone` (data-place-id,
 * data-in/data-out, data-occupancy/data-entered/data-left).
 */
export function TilePlaces({ camera }: { readonly camera: Camera }) {
  if (camera.lines.length === 0 && camera.zones.length === 0) return null;
  const nameOf = (id: string, list: ReadonlyArray<{ id: string; name: string }>) => list.find((p) => p.id === id)?.name || id;
  return (
    <ul className="tile-places" data-testid="tile-places">
      {camera.lineCounts.map((l) => (
        <li key={`line-${l.lineId}`} data-testid="tile-line" data-place-id={l.lineId} data-in={l.crossedIn} data-out={l.crossedOut}>
          <span>{nameOf(l.lineId, camera.lines)}</span>
          <span>
            {l.crossedIn} in · {l.crossedOut} out
          </span>
        </li>
      ))}
      {camera.zoneCounts.map((z) => (
        <li key={`zone-${z.zoneId}`} data-testid="tile-zone" data-place-id={z.zoneId} data-occupancy={z.occupancy} data-entered={z.entered} data-left={z.left}>
          <span>{nameOf(z.zoneId, camera.zones)}</span>
          <span>
            {z.occupancy} now · {z.entered} entered · {z.left} left{z.occupancy > 0 ? ` · longest ${formatWait(z.longestWaitMs)}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
