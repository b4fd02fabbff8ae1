declare const __HUBKIT_VERSION__: string | undefined;

/** hubkit's version, stamped in by the build (scripts/build.mjs); "0.0.0-dev" when run from source. */
export const VERSION: string = typeof __HUBKIT_VERSION__ === "string" ? __HUBKIT_VERSION__ : "0.0.0-dev";
