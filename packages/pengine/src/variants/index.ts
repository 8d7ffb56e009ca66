import { variants } from "./registry.js";
import { primitiveVariant } from "./primitive.js";
import { groupVariant } from "./group.js";
import { cloneVariant } from "./clone.js";

variants.primitive = primitiveVariant;
variants.group = groupVariant;
variants.clone = cloneVariant;

export { primitiveVariant, groupVariant, cloneVariant };
