/**
 * The in-memory WebGL 2 stand-in MediaPipe's CPU path needs in Node (see
 * `mediapipe-node.ts` for the other browser globals): textures hold views of
 * uploaded RGBA pixels, `readPixels` copies them back. No shader is ever
 * compiled; a call the stand-in does not know throws, which is loud on a
 * version bump.
 */

/** A texture held by the WebGL stand-in: a view of the uploaded RGBA pixels. */
interface TextureStandIn {
  width: number;
  height: number;
  pixels: Uint8Array | undefined;
}

/** A framebuffer held by the WebGL stand-in. */
interface FramebufferStandIn {
  color: TextureStandIn | null;
}

/** What the bundle hands to `texImage2D`: here always an `RgbaImage`-like object. */
interface PixelSource {
  width: number;
  height: number;
  data: ArrayBufferView;
}

/**
 * The `canvas` option for a CPU-delegate task. The tasks need a canvas whose
 * `getContext("webgl2")` works even on the CPU: the input image is uploaded
 * as a texture (`texImage2D`) and the graph reads it back (`readPixels`); no
 * shader is ever compiled. This canvas provides just that, in memory.
 */
export class TextureOnlyCanvas {
  /** Resized by the bundle to the last input when auto-resize is on. */
  width = 1;
  height = 1;
  private gl: TextureOnlyWebGl2 | undefined;

  /** Returns the WebGL 2 stand-in; `null` for anything else, like a browser would. */
  getContext(kind: string): TextureOnlyWebGl2 | null {
    if (kind !== "webgl2") return null;
    this.gl ??= new TextureOnlyWebGl2(this);
    return this.gl;
  }
}

/**
 * The part of WebGL 2 that MediaPipe's CPU path calls (listed by tracing
 * 1.1.0), plus harmless no-op counterparts (delete, wait, flush). Anything
 * else throws "is not a function": loud on a version bump.
 */
export class TextureOnlyWebGl2 {
  readonly TEXTURE_2D = 0x0de1;
  readonly TEXTURE0 = 0x84c0;
  readonly RGBA = 0x1908;
  readonly UNSIGNED_BYTE = 0x1401;
  readonly UNPACK_FLIP_Y_WEBGL = 0x9240;
  readonly ALREADY_SIGNALED = 0x911a;
  private unit = 0;
  private readonly boundTextures = new Map<number, TextureStandIn | null>();
  private framebuffer: FramebufferStandIn | null = null;

  constructor(readonly canvas: TextureOnlyCanvas) {}

  getContextAttributes(): Record<string, never> { return {}; }
  getSupportedExtensions(): string[] { return []; }
  getExtension(): null { return null; }
  getError(): number { return 0; }
  isContextLost(): boolean { return false; }

  getParameter(name: number): number | string | null {
    switch (name) {
      case 0x8869: return 16; // MAX_VERTEX_ATTRIBS
      case 0x0d33: return 16384; // MAX_TEXTURE_SIZE
      case 0x1f00: return "headcount"; // VENDOR
      case 0x1f01: return "texture-only stand-in"; // RENDERER
      case 0x1f02: return "WebGL 2.0"; // VERSION
      case 0x8b8c: return "WebGL GLSL ES 3.00"; // SHADING_LANGUAGE_VERSION
      default: return null;
    }
  }

  activeTexture(unit: number): void { this.unit = unit - this.TEXTURE0; }
  createTexture(): TextureStandIn { return { width: 0, height: 0, pixels: undefined }; }
  bindTexture(_target: number, texture: TextureStandIn | null): void { this.boundTextures.set(this.unit, texture); }
  texParameteri(): void {}
  deleteTexture(): void {}

  pixelStorei(name: number, value: number | boolean): void {
    if (name === this.UNPACK_FLIP_Y_WEBGL && value) throw new Error("TextureOnlyWebGl2: vertical flip is not supported");
  }

  /** Both overloads: `(target, level, internal, format, type, source)` and the sized one. */
  texImage2D(...args: unknown[]): void {
    const texture = this.boundTextures.get(this.unit);
    if (!texture) throw new Error("TextureOnlyWebGl2: texImage2D with no texture bound");
    if (args.length === 6) {
      assertRgba8(args[3], args[4]);
      const source = args[5] as PixelSource;
      texture.width = source.width;
      texture.height = source.height;
      // A view, not a copy: the graph reads it back within the same
      // synchronous detect() call, before the caller can reuse the buffer.
      texture.pixels = new Uint8Array(source.data.buffer, source.data.byteOffset, source.width * source.height * 4);
    } else {
      assertRgba8(args[6], args[7]);
      texture.width = args[3] as number;
      texture.height = args[4] as number;
      texture.pixels = new Uint8Array(texture.width * texture.height * 4);
    }
  }

  createFramebuffer(): FramebufferStandIn { return { color: null }; }
  bindFramebuffer(_target: number, framebuffer: FramebufferStandIn | null): void { this.framebuffer = framebuffer; }
  framebufferTexture2D(_t: number, _a: number, _tt: number, texture: TextureStandIn | null): void {
    if (this.framebuffer) this.framebuffer.color = texture;
  }
  deleteFramebuffer(): void {}

  readPixels(x: number, y: number, width: number, height: number, format: number, type: number, dst: ArrayBufferView, dstOffset = 0): void {
    assertRgba8(format, type);
    const texture = this.framebuffer?.color;
    if (!texture?.pixels) throw new Error("TextureOnlyWebGl2: readPixels with no texture attached");
    // dstOffset counts elements of `dst`; for UNSIGNED_BYTE that is the byte heap.
    const out = new Uint8Array(dst.buffer, dst.byteOffset + dstOffset, width * height * 4);
    const rowBytes = width * 4;
    for (let row = 0; row < height; row++) {
      const from = ((y + row) * texture.width + x) * 4;
      out.set(texture.pixels.subarray(from, from + rowBytes), row * rowBytes);
    }
  }

  // Sync objects: the CPU path is synchronous, so every fence is already signalled.
  fenceSync(): object { return {}; }
  clientWaitSync(): number { return this.ALREADY_SIGNALED; }
  waitSync(): void {}
  deleteSync(): void {}
  flush(): void {}
  finish(): void {}
}

function assertRgba8(format: unknown, type: unknown): void {
  if (format !== 0x1908 || type !== 0x1401) {
    throw new Error(`TextureOnlyWebGl2: only RGBA/UNSIGNED_BYTE is supported (got format ${String(format)}, type ${String(type)})`);
  }
}
