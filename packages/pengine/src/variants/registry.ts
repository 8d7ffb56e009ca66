import type { Variant } from "./variant.js";

/** Filled in by index.ts so variants can refer to each other without import cycles. */
export const variants: { primitive?: Variant; group?: Variant; clone?: Variant } = {};
