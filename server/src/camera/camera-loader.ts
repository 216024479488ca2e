import type { Store, StoredCamera } from "../store/store.ts";
import type { CameraRegistry } from "./camera-registry.ts";

const DAY_MS = 86_400_000;

/**
 * Loads a stored camera into the registry with its minute counts of the last
 * day (and any future-dated ones within the next), which "today" is read
 * from: at start, and on a replica whenever another one changed the camera.
 */
export async function loadCamera(store: Store, cameras: CameraRegistry, camera: StoredCamera, nowMs: number): Promise<void> {
  const minutes = await store.series({ cameraId: camera.cameraId, fromMs: nowMs - DAY_MS, toMs: nowMs + DAY_MS, bucket: "minute" });
  cameras.load(camera);
  cameras.loadMinutes(camera.cameraId, minutes);
}
