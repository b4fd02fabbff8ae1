/**
 * The local Hub server (`hf serve`): importable for tests and demos.
 */
export { DEMO_HIDDEN_SIZE, DEMO_VOCAB_SIZE } from "./demo-assets.js";
export { DEMO_FIXTURE, DEMO_MODEL_SIZE, DEMO_OIDC_REQUEST_TOKENS, DEMO_TOKENS } from "./demo-fixture.js";
export { parseFaultSpec } from "./faults.js";
export { loadFixtureFile, validateFixture } from "./fixture.js";
export { createHubServer, type HubServer } from "./hub-server.js";
export type {
  CommitSpec,
  FaultKind,
  FaultSpec,
  FileSpec,
  HubFixture,
  HubServerOptions,
  OAuthOptions,
  OidcOptions,
  OidcRunnerSpec,
  OrgSpec,
  RepoSpec,
  RequestLogEntry,
  TokenRole,
  TokenSpec,
  TrustedPublisherSpec,
  UserSpec,
} from "./types.js";
