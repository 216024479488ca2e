import { useId } from "react";
import { offersFacingChoice } from "@/lib/capture/camera-source";
import type { CaptureSettings } from "@/lib/capture/capture-settings";
import type { CaptureView } from "@/lib/capture/capture-view";
import { CAPTURE_WIDTHS } from "@/lib/capture/frame-encoder";

/** Props of {@link CaptureSettingsPanel}. */
export interface CaptureSettingsPanelProps {
  readonly view: CaptureView;
  readonly onSettings: (patch: Partial<CaptureSettings>) => void;
  readonly onName: (name: string) => void;
}

/** Camera identity and capture knobs: device, facing, width, fps, JPEG quality. */
export function CaptureSettingsPanel({ view, onSettings, onName }: CaptureSettingsPanelProps) {
  const id = useId();
  const { settings, devices } = view;
  const fpsCapped = view.effectiveFps < settings.fps;
  // Rendered in the browser only (the page builds its engine after mount).
  const coarsePointer = typeof window !== "undefined" && window.matchMedia?.("(pointer: coarse)").matches === true;
  const facingChoice = offersFacingChoice(devices, coarsePointer);
  return (
    <section className="panel settings" aria-label="Camera settings">
      <h2>Camera</h2>
      <div className="field">
        <span className="label">Camera id</span>
        <code data-testid="camera-id">{view.cameraId}</code>
      </div>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          data-testid="camera-name"
          type="text"
          maxLength={80}
          placeholder="e.g. Front door"
          value={view.cameraName}
          onChange={(event) => onName(event.target.value)}
        />
        {view.nameEdited ? (
          <span className="muted small" data-testid="camera-name-pending">
            {view.running ? "The new name is saved on the next Start." : "The new name is saved when you press Start."}
          </span>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}-device`}>Device</label>
        <select
          id={`${id}-device`}
          data-testid="setting-device"
          value={settings.deviceId}
          onChange={(event) => onSettings({ deviceId: event.target.value })}
        >
          <option value="">{facingChoice ? "Automatic (by facing)" : "Automatic"}</option>
          {devices.map((device) => (
            <option key={device.deviceId} value={device.deviceId}>
              {device.label}
            </option>
          ))}
        </select>
      </div>
      {facingChoice ? (
        <div className="field">
          <span className="label">Facing</span>
          <div className="segmented" role="group" aria-label="Facing">
            <button
              type="button"
              data-testid="setting-facing-back"
              aria-pressed={settings.deviceId === "" && settings.facing === "environment"}
              onClick={() => onSettings({ facing: "environment", deviceId: "" })}
            >
              Back
            </button>
            <button
              type="button"
              data-testid="setting-facing-front"
              aria-pressed={settings.deviceId === "" && settings.facing === "user"}
              onClick={() => onSettings({ facing: "user", deviceId: "" })}
            >
              Front
            </button>
          </div>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-width`}>Width</label>
        <select
          id={`${id}-width`}
          data-testid="setting-width"
          value={settings.width}
          onChange={(event) => onSettings({ width: Number(event.target.value) })}
        >
          {CAPTURE_WIDTHS.map((width) => (
            <option key={width} value={width}>
              {width} px
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-fps`}>
          Frame rate <output>{settings.fps}</output> fps
          {fpsCapped ? <span className="muted small"> (server limit {view.effectiveFps})</span> : null}
        </label>
        <input
          id={`${id}-fps`}
          data-testid="setting-fps"
          type="range"
          min={1}
          max={30}
          step={1}
          value={settings.fps}
          onChange={(event) => onSettings({ fps: Number(event.target.value) })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-quality`}>
          JPEG quality <output>{settings.quality.toFixed(2)}</output>
        </label>
        <input
          id={`${id}-quality`}
          data-testid="setting-quality"
          type="range"
          min={0.3}
          max={0.95}
          step={0.05}
          value={settings.quality}
          onChange={(event) => onSettings({ quality: Number(event.target.value) })}
        />
      </div>
    </section>
  );
}
