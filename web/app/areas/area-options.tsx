import type { Area } from "@headcount/proto/area";
import { areaScope } from "@/lib/areas/area-scope";

/** The areas as options of the history panel's camera select (their doors' history). */
export function AreaOptions({ areas }: { readonly areas: readonly Area[] }) {
  return (
    <>
      {areas.map((area) => (
        <option key={area.areaId} value={areaScope(area.areaId)}>
          Area: {area.settings?.name}
        </option>
      ))}
    </>
  );
}
