export * from "./env-vars.js";
export * from "./read-config.js";
