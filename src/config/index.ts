export * from "./ca-bundle.js";
export * from "./default-config.js";
export * from "./env-vars.js";
export * from "./read-config.js";
