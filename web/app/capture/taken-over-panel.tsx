"use client";

/**
 * Another device or page took this camera over: capture stopped for good
 * (it does not reconnect by itself, or the two would take the camera from
 * each other forever). The person decides: the button takes it back, which
 * in turn stops the other one.
 */
export function TakenOverPanel({ cameraId, message, onTakeBack }: { readonly cameraId: string; readonly message: string; readonly onTakeBack: () => void }) {
  return (
    <section className="panel unpaired" role="alert" data-testid="capture-taken-over">
      <h2>This camera is now capturing from another device</h2>
      <p>
        Another phone, tab or sender opened camera <code>{cameraId}</code>, so this page stopped: one camera counts from one place at a time.
        Close the other one, or take the camera back here (the other one then stops).
      </p>
      <button type="button" className="button primary" data-testid="capture-take-back" onClick={onTakeBack}>
        Take the camera back
      </button>
      <details>
        <summary>Details</summary>
        <p className="small">The server said: {message}</p>
      </details>
    </section>
  );
}
