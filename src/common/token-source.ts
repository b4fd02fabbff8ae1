/** The environment variables a token is read from (auth/'s `tokenChain` order). */
export type TokenEnvName = "HF_TOKEN" | "HUGGING_FACE_HUB_TOKEN" | "HUGGINGFACE_TOKEN";

/**
 * Where a token came from. Every resolved token carries one; whoami, doctor and auth errors print it.
 * It lives in common/ so http/ can take it typed (its remedies differ by kind: a token from an env
 * variable is replaced by setting that variable, logging in would not win over it) without
 * importing auth/.
 *
 * An explicit token may carry a `label` saying how it was given ("pasted token", "device-code
 * login", "token passed to useHubkit"); without one it is the "token argument" (the CLI labels its own "--token argument").
 */
export type TokenSource =
  | { kind: "argument"; label?: string | undefined }
  /** A short-lived token from the OIDC trusted-publisher exchange, scoped to `resource` (HF_OIDC_RESOURCE). */
  | { kind: "oidc"; resource: string }
  | { kind: "env"; name: TokenEnvName }
  | { kind: "file"; path: string };

/**
 * THE human label for a token source, used in whoami output and in every auth error.
 *
 * @example
 * describeTokenSource({ kind: "env", name: "HF_TOKEN" }) // "HF_TOKEN environment variable"
 * describeTokenSource({ kind: "argument", label: "pasted token" }) // "pasted token"
 */
export function describeTokenSource(source: TokenSource): string {
  switch (source.kind) {
    case "argument":
      return source.label ?? "token argument";
    case "oidc":
      return `OIDC token exchange for HF_OIDC_RESOURCE=${source.resource}`;
    case "env":
      return `${source.name} environment variable`;
    case "file":
      return `token file ${source.path}`;
  }
}
