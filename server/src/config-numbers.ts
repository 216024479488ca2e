import { z } from "zod";

/**
 * A whole number written in plain digits, within [min, max]. Plain digits
 * only: `Number()` would also take "0x1F90", "8e3" or " " (which is 0).
 */
export function wholeNumber(min: number, max: number, why = "") {
  const range = `must be a whole number from ${min} to ${max}${why}`;
  return z.string().regex(/^\d+$/, range).transform(Number).pipe(z.number().int().min(min, range).max(max, range));
}

/** A decimal number written in plain digits ("0.4"), within [min, max]. */
export function decimalNumber(min: number, max: number) {
  const range = `must be a number from ${min} to ${max}, written like 0.4`;
  return z.string().regex(/^\d+(\.\d+)?$/, range).transform(Number).pipe(z.number().min(min, range).max(max, range));
}
