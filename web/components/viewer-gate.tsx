"use client";

import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { AccessServiceClient } from "@headcount/proto/access-client";
import { browserStore } from "@/lib/capture/camera-identity";
import { resolveGrpcWebUrl, type GrpcWebSetting } from "@/lib/grpc-web-url";
import { describeFailure, toCallFailure } from "@/lib/rpc-errors";
import { UNARY_DEADLINE_MS, createTransport, withDeadline } from "@/lib/transport";
import { onViewerSignOut, saveViewerToken, storedViewerToken } from "@/lib/viewer-credential";

/** Props of {@link ViewerGate}. */
export interface ViewerGateProps {
  readonly grpcWeb: GrpcWebSetting;
  readonly children: ReactNode;
}

type GateState =
  | { readonly kind: "checking" }
  | { readonly kind: "open" }
  | { readonly kind: "sign-in"; readonly reason: string | null };

/**
 * Shows its children (the count page, a camera page) unless the server has a
 * viewer password and this browser holds no valid viewer token; then a
 * sign-in form. A later UNAUTHENTICATED (token expired, password changed)
 * brings the form back. Test hooks: `viewer-sign-in` (form), `viewer-password`,
 * `viewer-submit`, `viewer-error`.
 */
export function ViewerGate({ grpcWeb, children }: ViewerGateProps) {
  const [state, setState] = useState<GateState>({ kind: "checking" });
  const [client, setClient] = useState<AccessServiceClient | null>(null);
  useEffect(() => {
    const resolved = resolveGrpcWebUrl(grpcWeb, window.location);
    if (!resolved.ok) {
      // The children show the configuration problem.
      setState({ kind: "open" });
      return;
    }
    const access = new AccessServiceClient(createTransport(resolved.url));
    setClient(access);
    let cancelled = false;
    withDeadline(UNARY_DEADLINE_MS, undefined, (abort) => access.getAccessPolicy({}, { abort }).response)
      .then((policy) => {
        if (cancelled) return;
        const signedIn = storedViewerToken(browserStore(), Date.now()) !== null;
        setState(policy.viewerSignInRequired && !signedIn ? { kind: "sign-in", reason: null } : { kind: "open" });
      })
      // Unreachable server: the children show it and retry; a refused call brings the form back.
      .catch(() => !cancelled && setState({ kind: "open" }));
    const unsubscribe = onViewerSignOut((reason) => setState({ kind: "sign-in", reason }));
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [grpcWeb]);

  if (state.kind === "open") return <>{children}</>;
  if (state.kind === "checking") return <p className="muted">Loading…</p>;
  return <SignInForm client={client} reason={state.reason} onSignedIn={() => setState({ kind: "open" })} />;
}

function SignInForm({ client, reason, onSignedIn }: { readonly client: AccessServiceClient | null; readonly reason: string | null; readonly onSignedIn: () => void }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!client) return;
    setBusy(true);
    try {
      const answer = await withDeadline(UNARY_DEADLINE_MS, undefined, (abort) => client.signIn({ password }, { abort }).response);
      saveViewerToken(browserStore(), answer.token);
      onSignedIn();
    } catch (cause) {
      const failure = toCallFailure(cause);
      setError(failure.code === "UNAUTHENTICATED" ? "Wrong password." : `Could not sign in: ${describeFailure(failure)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel sign-in settings" data-testid="viewer-sign-in" onSubmit={(event) => void submit(event)}>
      <h1>Sign in</h1>
      <p className="muted">This headcount server asks for its viewer password before it shows counts.</p>
      {reason && !error ? <p className="muted small">{reason}</p> : null}
      <div className="field">
        <label htmlFor="viewer-password">Password</label>
        <input id="viewer-password" type="password" autoComplete="current-password" data-testid="viewer-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </div>
      <p>
        <button type="submit" className="button primary" data-testid="viewer-submit" disabled={busy || !client || password === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </p>
      {error ? (
        <p className="alert" role="alert" data-testid="viewer-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
