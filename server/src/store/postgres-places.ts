import type pg from "pg";
import type { Places } from "../count/count-types.ts";
import { placeEffect, placeRowsToWrite, placeTotalsOf, type PlaceRow } from "./place-rows.ts";
import { SQL } from "./postgres-queries.ts";
import type { NewEvent, PlaceTotals } from "./store.ts";

type Queryable = pg.Pool | pg.PoolClient;

/** One camera's line and zone rows, in order. */
export async function placesOf(db: Queryable, cameraKey: number): Promise<PlaceRow[]> {
  return (await db.query<PlaceRow>(SQL.placesOfCamera, [cameraKey])).rows;
}

/** Every camera's line and zone rows, by camera key. */
export async function allPlaces(db: Queryable): Promise<Map<number, PlaceRow[]>> {
  const byCamera = new Map<number, PlaceRow[]>();
  for (const row of (await db.query<PlaceRow>(SQL.allPlaces)).rows) {
    let list = byCamera.get(row.camera_key);
    if (!list) byCamera.set(row.camera_key, (list = []));
    list.push(row);
  }
  return byCamera;
}

/** Replaces a camera's lines and zones inside the caller's transaction (the camera row locked), keeping the counts of kept ids. */
export async function replacePlaces(client: pg.PoolClient, cameraKey: number, places: Places): Promise<void> {
  const rows = placeRowsToWrite(places, await placesOf(client, cameraKey));
  await client.query(SQL.deletePlaces, [cameraKey]);
  for (const r of rows) await client.query(SQL.insertPlace, [cameraKey, ...r]);
}

/** Adds a batch's per-place counts and minutes inside the caller's transaction; the camera's place totals after it. */
export async function applyPlaces(client: pg.PoolClient, cameraKey: number, events: readonly NewEvent[]): Promise<PlaceTotals> {
  const effect = placeEffect(events);
  if (effect.reset) await client.query(SQL.zeroPlaces, [cameraKey]);
  for (const [id, [a, b]] of effect.deltas) await client.query(SQL.addPlace, [a, b, cameraKey, id]);
  if (effect.minutes.length > 0) {
    const m = effect.minutes;
    await client.query(SQL.addPlaceMinutes, [cameraKey, m.map((x) => x[0]), m.map((x) => x[1]), m.map((x) => x[2]), m.map((x) => x[3])]);
  }
  return placeTotalsOf(await placesOf(client, cameraKey));
}

/** A camera's place totals now. */
export async function placeTotals(db: Queryable, cameraKey: number): Promise<PlaceTotals> {
  return placeTotalsOf(await placesOf(db, cameraKey));
}
