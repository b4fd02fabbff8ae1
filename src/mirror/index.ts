export { AccessCache, DEFAULT_ACCESS_TTL_MS, tokenHash } from "./access-cache.js";
export { createMirrorServer, type MirrorServer, type MirrorServerOptions } from "./mirror-server.js";
export type { MirrorStats } from "./mirror-stats.js";
export { renderNginxConfig } from "./nginx-config.js";
export { findNginx } from "./nginx-process.js";
export { type RunningMirror, type StartMirrorOptions, startMirror } from "./start-mirror.js";
