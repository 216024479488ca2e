/**
 * The camera: opening it with getUserMedia, listing devices, and explaining
 * failures in words a person holding a phone understands.
 */

/** Which way a phone camera faces. */
export type Facing = "user" | "environment";

/** What to open. */
export interface CameraChoice {
  /** A device id from {@link listVideoInputs}; empty to choose by facing. */
  readonly deviceId: string;
  readonly facing: Facing;
  /** The capture width; the camera is asked for about this much so it need not scale a lot. */
  readonly width: number;
}

/** A camera in the device picker. */
export interface VideoInput {
  readonly deviceId: string;
  /** A generated "Camera N" until the page has camera permission. */
  readonly label: string;
  /** True once the browser named it (the page has camera permission). */
  readonly named: boolean;
  /** True when the camera reports a facing direction (phones, tablets); desktop webcams do not. */
  readonly facing: boolean;
}

/**
 * Whether Front/Back means anything here: some camera reports a facing
 * direction, or, before camera permission tells (no names yet), the device
 * has a touch screen and is likely a phone or tablet.
 */
export function offersFacingChoice(devices: readonly VideoInput[], coarsePointer: boolean): boolean {
  if (devices.some((device) => device.facing)) return true;
  const known = devices.length > 0 && devices.every((device) => device.named);
  return !known && coarsePointer;
}

/** Why the camera cannot be used, as a message for the page; null when it can be tried. */
export function cameraSupportProblem(): string | null {
  if (typeof window === "undefined") return null;
  if (!window.isSecureContext) {
    return (
      "This page is not in a secure context, so the browser does not allow camera access. " +
      "Open it over https:// (for example through the Envoy proxy with TLS) or on http://localhost / http://127.0.0.1 on this device."
    );
  }
  if (!navigator.mediaDevices?.getUserMedia) {
    return "This browser does not support camera access (navigator.mediaDevices.getUserMedia is missing).";
  }
  return null;
}

/** The width to ask a camera for when capturing at `width`: about that, and no less than 640 px. */
export function widthConstraint(width: number): MediaTrackConstraints {
  return { width: { ideal: Math.max(width, 640) } };
}

/** The getUserMedia constraints for a choice. */
export function videoConstraints(choice: CameraChoice): MediaTrackConstraints {
  const size = widthConstraint(choice.width);
  return choice.deviceId
    ? { ...size, deviceId: { exact: choice.deviceId } }
    : { ...size, facingMode: { ideal: choice.facing } };
}

/** Opens the camera; rejects with the browser's DOMException (see {@link describeCameraError}). */
export function openCamera(choice: CameraChoice): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ audio: false, video: videoConstraints(choice) });
}

/** Stops every track of a stream (turns the camera light off). */
export function closeCamera(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Lists cameras; labels are empty until permission has been granted once. */
export async function listVideoInputs(): Promise<VideoInput[]> {
  if (typeof navigator === "undefined" || !navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((device) => device.kind === "videoinput" && device.deviceId !== "")
    .map((device, index) => ({
      deviceId: device.deviceId,
      label: device.label || `Camera ${index + 1}`,
      named: device.label !== "",
      facing: reportsFacing(device),
    }));
}

/** InputDeviceInfo.getCapabilities().facingMode is non-empty on phone cameras (not in every browser). */
function reportsFacing(device: MediaDeviceInfo): boolean {
  const capabilities = (device as { getCapabilities?: () => { facingMode?: unknown } }).getCapabilities?.();
  return Array.isArray(capabilities?.facingMode) && capabilities.facingMode.length > 0;
}

/** A readable message for a getUserMedia (or play) failure. */
export function describeCameraError(error: unknown): string {
  const name = typeof error === "object" && error !== null && "name" in error ? String(error.name) : "";
  const detail = error instanceof Error && error.message ? ` (${error.message})` : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return (
        "Camera access was denied. Allow the camera for this site in the browser's address bar or site settings, then press Start again." +
        detail
      );
    case "NotFoundError":
    case "OverconstrainedError":
      return "No matching camera was found. Connect a camera, or pick another camera or facing direction, then press Start again." + detail;
    case "NotReadableError":
    case "AbortError":
      return "The camera is busy or failed to start. Close other apps or tabs using it, then press Start again." + detail;
    default:
      return `The camera could not be started: ${name || "error"}${detail}.`;
  }
}
