import type { CameraView } from "../camera/camera-registry.ts";
import { OFFLINE, ONLINE, type CountTopics } from "./count-topics.ts";

/** One retained Home Assistant discovery document and where it goes. */
export interface DiscoveryMessage {
  readonly topic: string;
  readonly payload: string;
}

/** A sensor of a camera: its key in the state document and how Home Assistant should treat it. */
interface SensorSpec {
  readonly key: "in_view" | "entered" | "exited" | "crossed_in" | "crossed_out";
  readonly name: string;
  readonly stateClass: "measurement" | "total_increasing";
  readonly icon: string;
}

const SENSORS: readonly SensorSpec[] = [
  { key: "in_view", name: "People in view", stateClass: "measurement", icon: "mdi:account-group" },
  // total_increasing: a reset to 0 from the count page starts a new cycle in Home Assistant's statistics.
  { key: "entered", name: "Entered", stateClass: "total_increasing", icon: "mdi:account-arrow-right" },
  { key: "exited", name: "Exited", stateClass: "total_increasing", icon: "mdi:account-arrow-left" },
  { key: "crossed_in", name: "Crossed in", stateClass: "total_increasing", icon: "mdi:arrow-down-bold" },
  { key: "crossed_out", name: "Crossed out", stateClass: "total_increasing", icon: "mdi:arrow-up-bold" },
];

/** Home Assistant's ids allow [a-zA-Z0-9_-]; a topic prefix may hold anything else. */
function idPart(text: string): string {
  return text.replace(/[^a-zA-Z0-9_-]/g, "_");
}

/**
 * The discovery node of a camera: the topic prefix is part of it, so two
 * headcount servers publishing under different prefixes never share entities.
 */
export function discoveryNodeId(topicPrefix: string, cameraId: string): string {
  return `${idPart(topicPrefix)}_${cameraId}`;
}

/**
 * The retained discovery documents of one camera: a Home Assistant device
 * named like the camera, with a sensor per count (value read from the
 * camera's state document) and a connectivity binary sensor. The counts are
 * available while both the server and the camera are online; the
 * connectivity sensor while the server is.
 *
 * Each line and zone adds sensors to the same device (ha-place-discovery.ts).
 */
export function discoveryDevice(topicPrefix: string, camera: CameraView): { node: string; device: object; origin: object } {
  const node = discoveryNodeId(topicPrefix, camera.cameraId);
  return { node, device: { identifiers: [node], name: camera.name, manufacturer: "headcount", model: "Browser camera" }, origin: { name: "headcount" } };
}

/**
 * The camera's own discovery documents (see above).
 */
export function discoveryMessages(options: { discoveryPrefix: string; topicPrefix: string; topics: CountTopics }, camera: CameraView): DiscoveryMessage[] {
  const { discoveryPrefix, topicPrefix, topics } = options;
  const { node, device, origin } = discoveryDevice(topicPrefix, camera);
  const sensors = SENSORS.map((s) =>
    countSensor({ discoveryPrefix, topics, cameraId: camera.cameraId, device: { node, device, origin } }, s.key, s.key, topics.state(camera.cameraId), {
      name: s.name, state_class: s.stateClass, icon: s.icon, unit_of_measurement: "people",
    }),
  );
  const online = {
    topic: `${discoveryPrefix}/binary_sensor/${node}/online/config`,
    payload: JSON.stringify({
      name: "Online",
      unique_id: `${node}_online`,
      state_topic: topics.availability(camera.cameraId),
      payload_on: ONLINE,
      payload_off: OFFLINE,
      device_class: "connectivity",
      entity_category: "diagnostic",
      availability_topic: topics.serverStatus,
      payload_available: ONLINE,
      payload_not_available: OFFLINE,
      device,
      origin,
    }),
  };
  return [...sensors, online];
}

/**
 * One count sensor of a camera's device, object id `objectId`: its value is
 * `valueKey` of the JSON at `stateTopic`; available while both the server and
 * the camera are online.
 */
export function countSensor(
  options: { discoveryPrefix: string; topics: CountTopics; cameraId: string; device: { node: string; device: object; origin: object } },
  objectId: string,
  valueKey: string,
  stateTopic: string,
  fields: { name: string; state_class: string; icon: string; unit_of_measurement: string; device_class?: string },
): DiscoveryMessage {
  const { discoveryPrefix, topics, cameraId } = options;
  const { node, device, origin } = options.device;
  return {
    topic: `${discoveryPrefix}/sensor/${node}/${objectId}/config`,
    payload: JSON.stringify({
      ...fields,
      unique_id: `${node}_${objectId}`,
      state_topic: stateTopic,
      value_template: `{{ value_json.${valueKey} }}`,
      availability: [{ topic: topics.serverStatus }, { topic: topics.availability(cameraId) }],
      availability_mode: "all",
      payload_available: ONLINE,
      payload_not_available: OFFLINE,
      device,
      origin,
    }),
  };
}
