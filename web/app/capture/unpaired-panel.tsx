"use client";

import type { Refusal } from "@/lib/capture/capture-view";

/** Props of {@link UnpairedPanel}. */
export interface UnpairedPanelProps {
  readonly refusal: Refusal;
  readonly cameraId: string;
  readonly endpoint: string | null;
}

/**
 * The server refused this device's credential: say in plain words how to
 * pair it, with the server's own words (status, Bearer) folded away for whoever
 * sets the system up.
 */
export function UnpairedPanel({ refusal, cameraId, endpoint }: UnpairedPanelProps) {
  const headline =
    refusal.code === "PERMISSION_DENIED"
      ? "This device is paired with another camera"
      : refusal.hadToken
        ? "This device's pairing is no longer valid"
        : "Pair this device to start counting";
  const why =
    refusal.code === "PERMISSION_DENIED"
      ? `Its pairing link is for another camera than ${cameraId}.`
      : refusal.hadToken
        ? "Its pairing link was revoked, or it is from another headcount server."
        : "The headcount server only counts with devices that were paired on its count page.";
  return (
    <section className="panel unpaired" role="alert" data-testid="capture-unpaired" data-code={refusal.code}>
      <h2>{headline}</h2>
      <p>{why}</p>
      <ol>
        <li>
          Open the count page&apos;s <a href="/#pair" data-testid="capture-unpaired-link">Pair a device</a> section (on this device or another one).
        </li>
        <li>Press Make pairing link, then open the link on this device, or scan its QR code with this phone.</li>
        <li>The capture page opens already paired: press Start.</li>
      </ol>
      <details data-testid="capture-unpaired-details">
        <summary>Details for whoever runs the server</summary>
        <p className="small">
          OpenSession at <code>{endpoint ?? "?"}</code> answered {refusal.code}: {refusal.message}. Capture needs the camera&apos;s
          pairing token or the server&apos;s shared capture token, sent as <code>authorization: Bearer &lt;token&gt;</code>.
        </p>
      </details>
    </section>
  );
}
