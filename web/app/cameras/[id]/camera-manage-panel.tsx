"use client";

import { useRef, useState } from "react";
import type { Camera } from "@headcount/proto/count";
import { normalizeCameraName } from "@/lib/capture/camera-identity";
import type { HistoryClient } from "@/lib/count/history-client";

/** Props of {@link CameraManagePanel}. */
export interface CameraManagePanelProps {
  readonly history: HistoryClient;
  readonly camera: Camera;
}

interface Message {
  readonly text: string;
  readonly failed: boolean;
}

/**
 * Rename a camera, reset its counts after a confirmation that says what a
 * reset does (an event in the log; history kept), and revoke its pairing
 * links. Test hooks are listed in camera-details.tsx.
 */
export function CameraManagePanel({ history, camera }: CameraManagePanelProps) {
  // null while the field shows the camera's current name (so a rename elsewhere shows up).
  const [draftName, setDraftName] = useState<string | null>(null);
  const [renameMessage, setRenameMessage] = useState<Message | null>(null);
  const [resetMessage, setResetMessage] = useState<Message | null>(null);
  const [revokeMessage, setRevokeMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const label = camera.name || camera.cameraId;

  const rename = async (): Promise<void> => {
    const name = normalizeCameraName(draftName ?? camera.name);
    if (!name) {
      setRenameMessage({ text: "Enter a name of 1 to 80 characters.", failed: true });
      return;
    }
    setBusy(true);
    const result = await history.rename(camera.cameraId, name);
    setBusy(false);
    if (!result.ok) {
      setRenameMessage({ text: result.message, failed: true });
      return;
    }
    setDraftName(null);
    setRenameMessage({ text: `Renamed to “${result.value?.name ?? name}”.`, failed: false });
  };

  const reset = async (): Promise<void> => {
    setBusy(true);
    const result = await history.reset(camera.cameraId);
    setBusy(false);
    dialog.current?.close();
    if (!result.ok) {
      setResetMessage({ text: result.message, failed: true });
      return;
    }
    const at = result.value?.resetAtMs ? new Date(result.value.resetAtMs).toLocaleTimeString() : "now";
    setResetMessage({ text: `Counts reset at ${at}. The reset is recorded in the event log; the history before it is kept.`, failed: false });
  };

  const revoke = async (): Promise<void> => {
    setBusy(true);
    const result = await history.revokePairings(camera.cameraId);
    setBusy(false);
    if (!result.ok) {
      setRevokeMessage({ text: result.message, failed: true });
      return;
    }
    const n = result.value;
    setRevokeMessage({
      text: `Revoked ${n} pairing link${n === 1 ? "" : "s"}. A device capturing now goes on until it stops; to capture again it needs a new link.`,
      failed: false,
    });
  };

  return (
    <section className="panel manage settings" aria-label="Manage camera">
      <h2>Manage</h2>
      <form
        className="field"
        onSubmit={(event) => {
          event.preventDefault();
          void rename();
        }}
      >
        <label htmlFor="camera-rename">Name</label>
        <div className="inline-row">
          <input
            id="camera-rename"
            type="text"
            maxLength={80}
            data-testid="camera-rename-input"
            value={draftName ?? camera.name}
            placeholder={camera.cameraId}
            onChange={(event) => setDraftName(event.target.value)}
          />
          <button type="submit" className="button primary" data-testid="camera-rename-save" disabled={busy || draftName === null || normalizeCameraName(draftName) === camera.name}>
            Rename
          </button>
        </div>
        {renameMessage ? <Note message={renameMessage} testId="camera-rename-message" /> : null}
      </form>
      <div className="field">
        <span className="label">Counts</span>
        <div className="inline-row">
          <button type="button" className="button danger" data-testid="camera-reset" disabled={busy} onClick={() => dialog.current?.showModal()}>
            Reset counts…
          </button>
        </div>
        {resetMessage ? <Note message={resetMessage} testId="camera-reset-message" /> : null}
      </div>
      <div className="field">
        <span className="label">Pairing</span>
        <div className="inline-row">
          <button type="button" className="button" data-testid="camera-revoke" disabled={busy} onClick={() => void revoke()}>
            Revoke pairing links
          </button>
        </div>
        {revokeMessage ? <Note message={revokeMessage} testId="camera-revoke-message" /> : null}
      </div>
      <dialog ref={dialog} className="confirm" data-testid="camera-reset-dialog" aria-labelledby="reset-title">
        <h2 id="reset-title">Reset the counts of {label}?</h2>
        <p>Entered, exited and crossing totals restart at zero.</p>
        <p className="muted">
          Nothing is deleted: the reset is recorded as an event in the log with its time, and the charts and exports keep every earlier count.
        </p>
        <div className="inline-row">
          <button type="button" className="button danger" data-testid="camera-reset-confirm" disabled={busy} onClick={() => void reset()}>
            Reset counts
          </button>
          <button type="button" className="button" data-testid="camera-reset-cancel" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </section>
  );
}

function Note({ message, testId }: { readonly message: Message; readonly testId: string }) {
  return (
    <p className={message.failed ? "alert small" : "muted small"} role={message.failed ? "alert" : "status"} data-testid={testId}>
      {message.text}
    </p>
  );
}
