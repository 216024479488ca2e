"use client";

/** Props of {@link LineDraftButtons}. */
export interface LineDraftButtonsProps {
  readonly canSave: boolean;
  readonly busy: boolean;
  onSwap(): void;
  onSave(): void;
  onClear(): void;
  onCancel(): void;
}

/**
 * The buttons shown while a counting line is being drawn (capture page and
 * camera page): swap the "in" side, save, clear, cancel. Test ids: `line-swap`,
 * `line-save`, `line-clear`, `line-cancel`.
 */
export function LineDraftButtons({ canSave, busy, onSwap, onSave, onClear, onCancel }: LineDraftButtonsProps) {
  return (
    <>
      <button type="button" className="button" data-testid="line-swap" onClick={onSwap}>
        Swap in side
      </button>
      <button type="button" className="button primary" data-testid="line-save" disabled={!canSave || busy} onClick={onSave}>
        Save line
      </button>
      <button type="button" className="button" data-testid="line-clear" disabled={busy} onClick={onClear}>
        Clear line
      </button>
      <button type="button" className="button" data-testid="line-cancel" onClick={onCancel}>
        Cancel
      </button>
    </>
  );
}
