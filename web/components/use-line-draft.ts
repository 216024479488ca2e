"use client";

import { useRef, useState } from "react";
import type { PointerEvent } from "react";
import type { CountingLine } from "@headcount/proto/types";
import { MIN_LINE_LENGTH, clampPoint, lineLength, makeLine } from "@/lib/capture/line-geometry";
import type { Point } from "@/lib/capture/line-geometry";

/** The line being drawn: the first point, and the second once there is one. */
interface Draft {
  readonly a: Point;
  readonly b: Point | null;
}

/** What {@link useLineDraft} gives an editor. */
export interface LineDraft {
  readonly editing: boolean;
  /** The line to paint while editing (null before the first point). */
  readonly draftLine: CountingLine | null;
  /** True when the draft is a real line (both ends, long enough). */
  readonly canSave: boolean;
  /** Starts editing from the saved line (or from nothing). */
  begin(saved: CountingLine | null | undefined): void;
  /** Stops editing, keeping nothing. */
  end(): void;
  /** Flips which side is "in". */
  swapSide(): void;
  /** Pointer handlers for the canvas drawn on (coordinates normalized to its box). */
  readonly handlers: {
    readonly onPointerDown: (event: PointerEvent<HTMLCanvasElement>) => void;
    readonly onPointerMove: (event: PointerEvent<HTMLCanvasElement>) => void;
    readonly onPointerUp: (event: PointerEvent<HTMLCanvasElement>) => void;
  };
}

/**
 * Drawing a counting line on a canvas over a picture: drag from one end to
 * the other, or click both ends; then choose the "in" side. Shared by the
 * capture page's live preview and the camera page's latest frame.
 */
export function useLineDraft(): LineDraft {
  const dragging = useRef(false);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [inSideLeft, setInSideLeft] = useState(true);

  const pointFrom = (event: PointerEvent<HTMLCanvasElement>): Point => {
    const rect = event.currentTarget.getBoundingClientRect();
    return clampPoint({ x: (event.clientX - rect.left) / rect.width, y: (event.clientY - rect.top) / rect.height });
  };
  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>): void => {
    if (!editing) return;
    const point = pointFrom(event);
    if (draft && draft.b === null) {
      // Second click of the click-click way of drawing.
      setDraft({ a: draft.a, b: point });
      return;
    }
    dragging.current = true;
    event.currentTarget.setPointerCapture(event.pointerId);
    setDraft({ a: point, b: point });
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>): void => {
    if (editing && dragging.current && draft) setDraft({ a: draft.a, b: pointFrom(event) });
  };
  const onPointerUp = (event: PointerEvent<HTMLCanvasElement>): void => {
    if (!editing || !dragging.current || !draft) return;
    dragging.current = false;
    const b = pointFrom(event);
    const short = lineLength(makeLine(draft.a, b, inSideLeft)) < MIN_LINE_LENGTH;
    // A click (no real drag) keeps the first point and waits for the second click.
    setDraft({ a: draft.a, b: short ? null : b });
  };

  const draftLine = editing && draft ? makeLine(draft.a, draft.b ?? draft.a, inSideLeft) : null;
  return {
    editing,
    draftLine,
    canSave: draftLine !== null && draft?.b != null && lineLength(draftLine) >= MIN_LINE_LENGTH,
    begin: (saved) => {
      setDraft(saved ? { a: { x: saved.ax, y: saved.ay }, b: { x: saved.bx, y: saved.by } } : null);
      setInSideLeft(saved?.inSideLeft ?? true);
      setEditing(true);
    },
    end: () => {
      dragging.current = false;
      setEditing(false);
    },
    swapSide: () => setInSideLeft((left) => !left),
    handlers: { onPointerDown, onPointerMove, onPointerUp },
  };
}
