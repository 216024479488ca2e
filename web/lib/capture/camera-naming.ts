/**
 * Which name the capture page shows and sends for its camera. The server's
 * name is the truth (the count page's Manage may rename the camera
 * meanwhile); only a name the user typed on this page is ever sent as a
 * rename, with the next OpenSession.
 */

import { normalizeCameraName } from "./camera-identity.ts";

/** The part of the view the camera's name decides. */
export interface NamePatch {
  readonly cameraName?: string;
  /** A typed name waits for the next Start (the server knows the camera under another name). */
  readonly nameEdited: boolean;
}

/** The typed name and the server's name of one capture page's camera. */
export class CameraNaming {
  readonly #remember: (name: string) => void;
  /** A name the user typed on this page that the server has not confirmed yet (OpenSession renames with it). */
  #typedName: string | null = null;
  /** The camera's name as the server last reported it, null before the first session. */
  #serverName: string | null = null;

  /** `remember` keeps the server's name for the page's next visit. */
  constructor(remember: (name: string) => void) {
    this.#remember = remember;
  }

  /** The user typed `cameraName`: what the view shows now. */
  typed(cameraName: string): NamePatch {
    const edited = this.#serverName === null || normalizeCameraName(cameraName) !== this.#serverName;
    this.#typedName = edited ? cameraName : null;
    return { cameraName, nameEdited: edited && this.#serverName !== null };
  }

  /** OpenSession's names: the typed one (a rename) or "", and `shown` for a camera the call creates. */
  forOpen(shown: string): { readonly cameraName: string; readonly newCameraName: string } {
    return {
      cameraName: this.#typedName === null ? "" : normalizeCameraName(this.#typedName),
      newCameraName: normalizeCameraName(shown),
    };
  }

  /** A session opened with the server's name of the camera ("" when it sent none): what the view shows now. */
  opened(serverName: string): NamePatch {
    // The server's name is the truth; a typed name it now holds is no longer pending.
    if (serverName) {
      this.#serverName = serverName;
      if (this.#typedName !== null && normalizeCameraName(this.#typedName) === serverName) this.#typedName = null;
      if (this.#typedName === null) this.#remember(serverName);
    }
    return {
      ...(this.#typedName === null && serverName ? { cameraName: serverName } : {}),
      nameEdited: this.#typedName !== null && this.#serverName !== null,
    };
  }
}
