import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./cli.js";

/** test/fixtures/tls: TEST-ONLY certificates made by scripts/make-test-certs.sh (keys are public). */
export const TLS_DIR = join(ROOT, "test", "fixtures", "tls");

/** A path under test/fixtures/tls. */
export const tlsPath = (name: string): string => join(TLS_DIR, name);

/** `{ cert, key }` of one of the fixture leafs ("leaf", "expired", "wrong-name", "corp-leaf"), for `tls` options. */
export function tlsPair(name: string): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(tlsPath(`${name}.pem`)), key: readFileSync(tlsPath(`${name}.key`)) };
}
