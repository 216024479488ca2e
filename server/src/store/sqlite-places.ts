import type Database from "better-sqlite3";
import type { Places } from "../count/count-types.ts";
import { placeEffect, placeRowsToWrite, placeTotalsOf, type PlaceRow } from "./place-rows.ts";
import type { NewEvent, PlaceTotals } from "./store.ts";

/**
 * The SQLite statements of cameras' lines and zones (`camera_places`,
 * `place_minutes`). Callers run the writes inside their transaction.
 */
export class SqlitePlaces {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      ofCamera: db.prepare<[number], PlaceRow>("SELECT * FROM camera_places WHERE camera_key = ? ORDER BY kind, position"),
      all: db.prepare<[], PlaceRow>("SELECT * FROM camera_places ORDER BY camera_key, kind, position"),
      deleteAll: db.prepare("DELETE FROM camera_places WHERE camera_key = ?"),
      insert: db.prepare(
        "INSERT INTO camera_places (camera_key, kind, place_id, position, name, geometry, count_in, count_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      zero: db.prepare("UPDATE camera_places SET count_in = 0, count_out = 0 WHERE camera_key = ?"),
      add: db.prepare("UPDATE camera_places SET count_in = count_in + ?, count_out = count_out + ? WHERE camera_key = ? AND place_id = ?"),
      addMinute: db.prepare(`
        INSERT INTO place_minutes (camera_key, place_id, minute, count_in, count_out) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (camera_key, place_id, minute) DO UPDATE SET count_in = count_in + excluded.count_in, count_out = count_out + excluded.count_out`),
    };
  }

  /** One camera's rows, in order. */
  of(cameraKey: number): PlaceRow[] {
    return this.sql.ofCamera.all(cameraKey);
  }

  /** Every camera's rows, by camera key. */
  all(): Map<number, PlaceRow[]> {
    const byCamera = new Map<number, PlaceRow[]>();
    for (const row of this.sql.all.all()) {
      let list = byCamera.get(row.camera_key);
      if (!list) byCamera.set(row.camera_key, (list = []));
      list.push(row);
    }
    return byCamera;
  }

  /** Replaces a camera's lines and zones (inside the caller's transaction), keeping the counts of kept ids. */
  replace(cameraKey: number, places: Places): void {
    const rows = placeRowsToWrite(places, this.of(cameraKey));
    this.sql.deleteAll.run(cameraKey);
    for (const r of rows) this.sql.insert.run(cameraKey, ...r);
  }

  /** Adds a batch's per-place counts and minutes (inside the caller's transaction); returns the camera's place totals after it. */
  apply(cameraKey: number, events: readonly NewEvent[]): PlaceTotals {
    const effect = placeEffect(events);
    if (effect.reset) this.sql.zero.run(cameraKey);
    for (const [id, [a, b]] of effect.deltas) this.sql.add.run(a, b, cameraKey, id);
    for (const [id, minute, a, b] of effect.minutes) this.sql.addMinute.run(cameraKey, id, minute, a, b);
    return placeTotalsOf(this.of(cameraKey));
  }

  /** A camera's place totals now. */
  totals(cameraKey: number): PlaceTotals {
    return placeTotalsOf(this.of(cameraKey));
  }
}
