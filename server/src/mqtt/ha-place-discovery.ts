import type { CameraView } from "../camera/camera-registry.ts";
import type { CountTopics } from "./count-topics.ts";
import { countSensor, discoveryDevice, type DiscoveryMessage } from "./ha-discovery.ts";

/** A sensor of a line or zone: its key in the place's state document and how Home Assistant treats it. */
interface PlaceSensor {
  readonly key: string;
  readonly name: string;
  readonly stateClass: "measurement" | "total_increasing";
  readonly icon: string;
  readonly unit: string;
  readonly deviceClass?: "duration";
}

const LINE_SENSORS: readonly PlaceSensor[] = [
  { key: "crossed_in", name: "crossed in", stateClass: "total_increasing", icon: "mdi:arrow-down-bold", unit: "people" },
  { key: "crossed_out", name: "crossed out", stateClass: "total_increasing", icon: "mdi:arrow-up-bold", unit: "people" },
];

const ZONE_SENSORS: readonly PlaceSensor[] = [
  { key: "occupancy", name: "people in it", stateClass: "measurement", icon: "mdi:account-group", unit: "people" },
  { key: "entered", name: "entered", stateClass: "total_increasing", icon: "mdi:account-arrow-right", unit: "people" },
  { key: "left", name: "left", stateClass: "total_increasing", icon: "mdi:account-arrow-left", unit: "people" },
  { key: "longest_wait_s", name: "longest wait", stateClass: "measurement", icon: "mdi:timer-sand", unit: "s", deviceClass: "duration" },
];

/**
 * The discovery documents of a camera's lines and zones: sensors on the
 * camera's device, named "<line or zone name> <what>", reading the place's
 * retained state; available like the camera's own counts. Object ids are
 * `line_<id>_<key>` and `zone_<id>_<key>` (ids are [a-z0-9-]).
 */
export function placeDiscoveryMessages(
  options: { discoveryPrefix: string; topicPrefix: string; topics: CountTopics },
  camera: CameraView,
): DiscoveryMessage[] {
  const { discoveryPrefix, topics } = options;
  const place = { discoveryPrefix, topics, cameraId: camera.cameraId, device: discoveryDevice(options.topicPrefix, camera) };
  const sensor = (kind: "line" | "zone", id: string, name: string, stateTopic: string, s: PlaceSensor): DiscoveryMessage =>
    countSensor(place, `${kind}_${id}_${s.key}`, s.key, stateTopic, {
      name: `${name} ${s.name}`, state_class: s.stateClass, icon: s.icon, unit_of_measurement: s.unit, ...(s.deviceClass ? { device_class: s.deviceClass } : {}),
    });
  return [
    ...camera.places.lines.flatMap((l) => LINE_SENSORS.map((s) => sensor("line", l.id, l.name, topics.lineState(camera.cameraId, l.id), s))),
    ...camera.places.zones.flatMap((z) => ZONE_SENSORS.map((s) => sensor("zone", z.id, z.name, topics.zoneState(camera.cameraId, z.id), s))),
  ];
}
