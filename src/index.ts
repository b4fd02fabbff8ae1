/**
 * hubkit's public library API. This file is the only entry library users import; it never pulls in
 * the CLI.
 */

export { maskToken, redactTokens } from "./auth/mask-token.js";
export { loadEnvFile } from "./config/env-file.js";
export * from "./config/index.js";
export * from "./errors.js";
export { VERSION } from "./version.js";
