"use client";

import { useEffect, useState } from "react";
import type { Camera } from "@headcount/proto/count";
import { generateCameraId, normalizeCameraName } from "@/lib/capture/camera-identity";
import type { HistoryClient } from "@/lib/count/history-client";
import { pairingUrl, shortLinkText } from "@/lib/count/pairing-link";

/** Props of {@link PairPanel}. */
export interface PairPanelProps {
  readonly cameras: readonly Camera[];
  /** Issues pairing tokens; null when the endpoint setting is broken. */
  readonly history: HistoryClient | null;
}

/** A pairing link made on this page, and the camera it is for. */
interface IssuedLink {
  readonly cameraId: string;
  readonly name: string;
  readonly url: string;
  readonly caCertUrl: string;
}

/** True when the link's host is this device itself (localhost, 127.x, ::1): useless on a phone. */
function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host);
}

/** "" in the camera select means a new camera. */
const NEW_CAMERA = "";

/**
 * Pairing a device: "Make pairing link" asks the server for a new pairing
 * token (PairCamera) and shows a QR code and a link that open the capture
 * page bound to a new camera (a fresh `cam-` id) or an existing one, with the
 * token that lets it capture. A link for a new camera always creates a camera
 * with a fresh id; afterwards the form offers the next new camera (new id,
 * empty name), so nothing is renamed or merged unless the user chose an
 * existing camera. Test hooks: `pair-camera` (select; "" = new),
 * `pair-name` (input, new camera only), `pair-new-id` (button), `pair-create`
 * (button), `pair-qr` (img, `data-url` = the encoded link), `pair-link`
 * (<a> with the link), `pair-link-camera` (its caption, `data-camera-id`),
 * `pair-localhost` (the link works on this machine only), `pair-ca-link` (<a> to
 * the server's CA certificate), `pair-error`. The link carries the address the
 * server says other devices reach (its LAN https origin or HEADCOUNT_PUBLIC_URL),
 * else this page's own origin.
 */
export function PairPanel({ cameras, history }: PairPanelProps) {
  const [target, setTarget] = useState(NEW_CAMERA);
  // Random ids are made in the browser only (after mount), so server and client render alike.
  const [newId, setNewId] = useState<string | null>(null);
  const [newName, setNewName] = useState("");
  const [origin, setOrigin] = useState<string | null>(null);
  const [qr, setQr] = useState<{ readonly url: string; readonly image: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The last link made; it stays shown (captioned with its camera) while the form moves on.
  const [issued, setIssued] = useState<IssuedLink | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setNewId(generateCameraId());
    setOrigin(window.location.origin);
  }, []);

  const isNew = target === NEW_CAMERA;
  const existing = isNew ? undefined : cameras.find((camera) => camera.cameraId === target);
  const cameraId = existing?.cameraId ?? (isNew ? newId : null);
  const name = existing ? existing.name : newName;
  const url = issued?.url ?? null;

  const makeLink = async (): Promise<void> => {
    if (!history || !origin || !cameraId) return;
    setBusy(true);
    // A new camera is created, never renamed: the server refuses an id that exists (ALREADY_EXISTS).
    const result = await history.pair(cameraId, name, isNew);
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setError(null);
    // The server knows the address other devices reach (its LAN https origin or a public URL); this page's may be localhost.
    const base = result.value.deviceBaseUrl || origin;
    setIssued({ cameraId, name: normalizeCameraName(name), url: pairingUrl(base, cameraId, name, result.value.token), caCertUrl: result.value.caCertificateUrl });
    if (isNew) {
      // The id is taken now: the next new camera gets a fresh one, and an empty name to type.
      setNewId(generateCameraId());
      setNewName("");
    }
  };

  useEffect(() => {
    if (!url) return;
    let cancelled = false;
    import("qrcode")
      .then(({ toDataURL }) => toDataURL(url, { errorCorrectionLevel: "M", margin: 2, width: 220, color: { dark: "#0f172a", light: "#ffffff" } }))
      .then((image) => {
        if (cancelled) return;
        setQr({ url, image });
        setError(null);
      })
      .catch((cause: unknown) => {
        if (!cancelled) setError(`The QR code could not be drawn: ${cause instanceof Error ? cause.message : String(cause)}. Use the link instead.`);
      });
    return () => {
      cancelled = true;
    };
  }, [url]);

  return (
    <section className="panel pair" aria-label="Pair a device" data-testid="pair-panel">
      <h2>Pair a device</h2>
      <p className="muted small">
        Make a link, then scan the code with a phone (or open the link on any device with a camera): its capture page opens already set up as this camera, with the
        pairing token that lets it send frames, and remembers both. Anyone with the link can capture as this camera; revoke links on the camera&apos;s page.
      </p>
      <div className="pair-body">
        <div className="pair-qr-box">
          {qr && qr.url === url ? (
            // A data: URL made in the browser; next/image would add nothing here.
            <img src={qr.image} width={220} height={220} alt={`QR code of ${url}`} data-testid="pair-qr" data-url={url} />
          ) : (
            <div className="pair-qr-placeholder muted small">{url ? (error ? "no QR code" : "drawing…") : "no link yet"}</div>
          )}
        </div>
        <div className="pair-fields settings">
          <div className="field">
            <label htmlFor="pair-camera">Camera</label>
            <select id="pair-camera" data-testid="pair-camera" value={target} onChange={(event) => setTarget(event.target.value)}>
              <option value={NEW_CAMERA}>New camera{newId ? ` (${newId})` : ""}</option>
              {cameras.map((camera) => (
                <option key={camera.cameraId} value={camera.cameraId}>
                  {camera.name || camera.cameraId}
                </option>
              ))}
            </select>
          </div>
          {target === NEW_CAMERA ? (
            <div className="field">
              <label htmlFor="pair-name">Name of the new camera</label>
              <div className="pair-name-row">
                <input id="pair-name" type="text" data-testid="pair-name" maxLength={80} placeholder="e.g. Front door" value={newName} onChange={(event) => setNewName(event.target.value)} />
                <button type="button" className="button" data-testid="pair-new-id" onClick={() => setNewId(generateCameraId())}>
                  New id
                </button>
              </div>
            </div>
          ) : null}
          <p>
            <button type="button" className="button primary" data-testid="pair-create" disabled={!history || !cameraId || busy} onClick={() => void makeLink()}>
              {busy ? "Making link…" : isNew ? "Make pairing link" : `Make another link for ${name || target}`}
            </button>
          </p>
          {issued ? (
            <p className="pair-link">
              <span className="muted small" data-testid="pair-link-camera" data-camera-id={issued.cameraId}>
                Link for {issued.name ? `${issued.name} (${issued.cameraId})` : issued.cameraId}:
              </span>{" "}
              <a href={issued.url} data-testid="pair-link">
                {shortLinkText(issued.url)}
              </a>
            </p>
          ) : null}
          {url && isLoopbackUrl(url) ? (
            <p className="alert" data-testid="pair-localhost">
              This link works on this computer only: it points at {new URL(url).host}, which on a phone is the phone itself. Open the count page through this
              machine&apos;s network address, or start the server with HEADCOUNT_PUBLIC_URL set to an address other devices reach.
            </p>
          ) : null}
          {url && issued?.caCertUrl ? (
            <p className="muted small" data-testid="pair-ca">
              The link is https with this server&apos;s own certificate. On the phone, install{" "}
              <a href={issued.caCertUrl} data-testid="pair-ca-link">
                the server&apos;s certificate (ca.crt)
              </a>{" "}
              once to trust it, or accept the browser&apos;s warning when the link opens.
            </p>
          ) : null}
          {error ? (
            <p className="alert" role="alert" data-testid="pair-error">
              {error}
            </p>
          ) : null}
        </div>
      </div>
    </section>
  );
}
