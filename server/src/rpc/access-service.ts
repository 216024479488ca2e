import type { ServerCallContext } from "@protobuf-ts/runtime-rpc";
import type {
  GetAccessPolicyRequest,
  GetAccessPolicyResponse,
  PairCameraRequest,
  PairCameraResponse,
  RevokePairingsRequest,
  RevokePairingsResponse,
  SignInRequest,
  SignInResponse,
} from "@headcount/proto/access";
import type { IAccessService } from "@headcount/proto/access-server";
import type { AccessControl } from "../access/access-control.ts";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import type { DeviceLinks } from "../edge/machine-addresses.ts";
import { CAMERA_ID_PATTERN } from "../session/session-registry.ts";
import type { Store } from "../store/store.ts";
import { DomainError, ensure } from "./errors.ts";

/**
 * headcount.v1.AccessService: the access policy, viewer sign-in, and
 * per-camera pairing tokens for capture devices.
 */
export class AccessService implements IAccessService {
  constructor(
    private readonly access: AccessControl,
    private readonly cameras: CameraRegistry,
    private readonly store: Store,
    /** Where other devices reach this server, for pairing links (known once it listens). */
    private readonly deviceLinks: () => DeviceLinks,
  ) {}

  async getAccessPolicy(_request: GetAccessPolicyRequest): Promise<GetAccessPolicyResponse> {
    return { ...this.access.policy };
  }

  async signIn(request: SignInRequest): Promise<SignInResponse> {
    ensure(request.password.length <= 1024, "the password is too long");
    return this.access.signIn(request.password, Date.now());
  }

  async pairCamera(request: PairCameraRequest, context: ServerCallContext): Promise<PairCameraResponse> {
    this.access.requireViewer(context.headers);
    ensure(CAMERA_ID_PATTERN.test(request.cameraId), "camera_id must be 1 to 64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit");
    const now = Date.now();
    if (request.newCamera && (await this.store.getCamera(request.cameraId))) {
      throw new DomainError("ALREADY_EXISTS", `camera ${request.cameraId} already exists: choose it to pair another device with it, or make a link for a new camera`);
    }
    // Pairing never renames: only a camera this call creates takes the name (RenameCamera renames).
    this.cameras.load(await this.store.ensureCamera(request.cameraId, request.cameraName.trim().slice(0, 80), now));
    const links = this.deviceLinks();
    return { cameraId: request.cameraId, token: await this.access.pair(request.cameraId, now), deviceBaseUrl: links.baseUrl, caCertificateUrl: links.caCertUrl };
  }

  async revokePairings(request: RevokePairingsRequest, context: ServerCallContext): Promise<RevokePairingsResponse> {
    this.access.requireViewer(context.headers);
    return { revoked: await this.access.revoke(request.cameraId) };
  }
}
