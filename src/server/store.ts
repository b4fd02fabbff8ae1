/**
 * The local Hub's state: users, tokens, orgs, repos, commits and file trees, built from a fixture.
 * Commits are applied in order (each tree = the previous tree + changes) and get deterministic
 * 40-hex ids, so the same fixture always yields the same commit ids, etags and listings.
 */
import { createHash, randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { gitBlobSha1 } from "../common/hashes.js";
import type { RepoType } from "../common/repo.js";
import { HfConfigError } from "../errors.js";
import type { BlobStore, StoredBlob } from "./blob-store.js";
import { validateRepoSpec } from "./fixture.js";
import type { Clock, FileSpec, HubFixture, RepoSpec, TokenRole } from "./types.js";

export interface FileEntry {
  path: string;
  size: number;
  sha256: string;
  /** The tree oid: git blob sha1 of the content, or of the LFS pointer for LFS files. */
  oid: string;
  lfs: boolean;
  /** Size of the LFS pointer file (the Hub's `lfs.pointerSize`). */
  pointerSize: number;
  /** Index of the commit that last changed this path. */
  lastCommit: number;
}

export interface Commit {
  index: number;
  id: string;
  message: string;
  /** ISO date, deterministic. */
  date: string;
  parents: string[];
  tree: Map<string, FileEntry>;
}

export interface User {
  id: string;
  name: string;
  fullname: string;
  email: string;
  orgs: Set<string>;
}

export interface Org {
  id: string;
  name: string;
  fullname: string;
  members: Set<string>;
}

/** What a token from the OIDC exchange may reach (the trusted publisher it was issued through). */
export interface OidcScope {
  /** The `resource` it was exchanged for (HF_OIDC_RESOURCE). */
  resource: string;
  /** A repo publisher's repo; absent for a user's CI/CD identity (read-only, gated repos). */
  repo?: { type: RepoType; id: string };
  /** Repo publishers only: may write to that repo. */
  write: boolean;
}

export interface Token {
  token: string;
  name: string;
  role: TokenRole;
  scopes: string[];
  user: string;
  kind: "access_token" | "oauth" | "oidc";
  createdAt: string;
  /** Epoch ms; OAuth and OIDC tokens only. */
  expiresAt?: number;
  /** OIDC tokens only. */
  oidc?: OidcScope;
}

export interface Repo {
  id: string;
  type: RepoType;
  private: boolean;
  gated: false | "auto" | "manual";
  owner: string;
  grants: Set<string>;
  pending: Set<string>;
  rejected: Set<string>;
  /** When each user's access request last changed (ISO). */
  requestTimes: Map<string, string>;
  commits: Commit[];
  branches: Map<string, number>;
  tags: Map<string, number>;
  pullRequests: Map<string, number>;
  /** What `HEAD` names: `main` when the repo has it, else its first branch (the Hub's default branch). */
  defaultBranch: string;
  createdAt: string;
}

const EPOCH = Date.UTC(2024, 0, 15, 10, 0, 0);

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** The git-lfs pointer text the Hub stores in git for an LFS file. */
export function lfsPointer(sha256: string, size: number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
}

export function repoKey(type: RepoType, id: string): string {
  return `${type}:${id}`;
}

export type ReadAccess = "ok" | "not-found" | "gated";

export class HubStore {
  readonly users = new Map<string, User>();
  readonly orgs = new Map<string, Org>();
  readonly repos = new Map<string, Repo>();
  readonly tokens = new Map<string, Token>();

  constructor(
    fixture: HubFixture,
    private readonly blobs: BlobStore,
    private readonly dataDir: string | undefined,
    private readonly source: string,
    private readonly clock: Clock,
  ) {
    for (const u of fixture.users ?? []) {
      this.users.set(u.name, {
        id: sha1(`user:${u.name}`).slice(0, 24),
        name: u.name,
        fullname: u.fullname ?? u.name,
        email: u.email ?? `${u.name}@example.com`,
        orgs: new Set(u.orgs ?? []),
      });
      for (const t of u.tokens ?? []) {
        this.tokens.set(t.token, {
          token: t.token,
          name: t.name,
          role: t.role,
          scopes: t.scopes ?? [],
          user: u.name,
          kind: "access_token",
          createdAt: new Date(EPOCH).toISOString(),
        });
      }
    }
    for (const o of fixture.orgs ?? []) {
      this.orgs.set(o.name, {
        id: sha1(`org:${o.name}`).slice(0, 24),
        name: o.name,
        fullname: o.fullname ?? o.name,
        members: new Set(o.members ?? []),
      });
    }
    // Membership may be declared on either side; make it symmetric.
    for (const user of this.users.values()) {
      for (const org of user.orgs) {
        if (!this.orgs.has(org))
          this.orgs.set(org, {
            id: sha1(`org:${org}`).slice(0, 24),
            name: org,
            fullname: org,
            members: new Set(),
          });
        this.orgs.get(org)?.members.add(user.name);
      }
    }
    for (const org of this.orgs.values()) for (const m of org.members) this.users.get(m)?.orgs.add(org.name);
    (fixture.repos ?? []).forEach((r, i) => {
      this.buildRepo(r, `repos[${i}]`);
    });
  }

  /** Adds a repo at runtime (same shape as fixture repos); returns its id and commit ids. */
  addRepo(spec: RepoSpec): { id: string; commits: string[] } {
    validateRepoSpec(spec, "addRepo");
    const repo = this.buildRepo(spec, "repo");
    return { id: repo.id, commits: repo.commits.map((c) => c.id) };
  }

  private buildRepo(spec: RepoSpec, field: string): Repo {
    const type = spec.type ?? "model";
    const repo: Repo = {
      id: spec.id,
      type,
      private: spec.private ?? false,
      gated: spec.gated ?? false,
      owner: spec.owner ?? (spec.id.includes("/") ? (spec.id.split("/")[0] as string) : "unknown"),
      grants: new Set(spec.grants ?? []),
      pending: new Set(spec.pending ?? []),
      rejected: new Set(),
      requestTimes: new Map(),
      commits: [],
      branches: new Map(),
      tags: new Map(),
      pullRequests: new Map(),
      defaultBranch: "main",
      createdAt: new Date(EPOCH).toISOString(),
    };
    const commitSpecs = spec.commits?.length ? spec.commits : [{ message: "initial commit", files: {} }];
    let tree = new Map<string, FileEntry>();
    commitSpecs.forEach((c, index) => {
      tree = new Map(tree);
      for (const [path, file] of Object.entries(c.files ?? {})) {
        if (file === null) {
          tree.delete(path);
          continue;
        }
        const blob = this.storeFile(file, `${field}.commits[${index}].files[${JSON.stringify(path)}]`);
        const lfs = file.lfs === true;
        const pointer = lfsPointer(blob.sha256, blob.size);
        const pointerBytes = Buffer.byteLength(pointer);
        tree.set(path, {
          path,
          size: blob.size,
          sha256: blob.sha256,
          oid: lfs ? gitBlobSha1(Buffer.from(pointer, "utf8")) : blob.gitSha1,
          lfs,
          pointerSize: pointerBytes,
          lastCommit: index,
        });
      }
      const parent = repo.commits[index - 1];
      const message = c.message ?? `commit ${index}`;
      const listing = [...tree.values()]
        .sort((a, b) => (a.path < b.path ? -1 : 1))
        .map((f) => `${f.path} ${f.oid}`)
        .join("\n");
      const id = sha1(
        `hubkit-commit\0${type}/${spec.id}\0${index}\0${parent?.id ?? ""}\0${message}\0${listing}`,
      );
      repo.commits.push({
        index,
        id,
        message,
        date: new Date(EPOCH + index * 3_600_000).toISOString(),
        parents: parent ? [parent.id] : [],
        tree,
      });
    });
    const n = repo.commits.length;
    const at = (i: number) => (i < 0 ? n + i : i);
    for (const [name, i] of Object.entries(spec.branches ?? { main: -1 })) repo.branches.set(name, at(i));
    for (const [name, i] of Object.entries(spec.tags ?? {})) repo.tags.set(name, at(i));
    for (const [name, i] of Object.entries(spec.pullRequests ?? {})) repo.pullRequests.set(name, at(i));
    if (!repo.branches.has("main")) repo.defaultBranch = repo.branches.keys().next().value ?? "main";
    this.repos.set(repoKey(type, spec.id), repo);
    return repo;
  }

  private storeFile(file: FileSpec, field: string): StoredBlob {
    if (file.content !== undefined) return this.blobs.putBytes(Buffer.from(file.content, "utf8"));
    if (file.base64 !== undefined) return this.blobs.putBytes(Buffer.from(file.base64, "base64"));
    if (file.generate !== undefined) return this.blobs.putGenerated(file.generate.size, file.generate.seed);
    if (file.file !== undefined) {
      if (!this.dataDir)
        throw new HfConfigError(
          `${this.source}: ${field}.file: a {file} source needs a data dir (--data DIR)`,
        );
      // Resolve symlinks too: a link inside the data dir must not lead outside it.
      let real: string;
      try {
        real = realpathSync(resolve(this.dataDir, file.file));
      } catch (e) {
        throw new HfConfigError(`${this.source}: ${field}.file: cannot read '${file.file}'`, { cause: e });
      }
      const rel = relative(realpathSync(this.dataDir), real);
      if (rel.startsWith("..") || isAbsolute(rel))
        throw new HfConfigError(`${this.source}: ${field}.file: '${file.file}' is outside the data dir`);
      return this.blobs.putFile(real);
    }
    throw new HfConfigError(`${this.source}: ${field}: no content source`);
  }

  findRepo(type: RepoType, id: string): Repo | undefined {
    return this.repos.get(repoKey(type, id));
  }

  /**
   * A branch, tag, `refs/heads|tags/X`, `refs/pr/N`, a full commit id, or `HEAD` (the default
   * branch, as on the Hub: @huggingface/hub's `modelInfo`/`datasetInfo` ask for `revision/HEAD`).
   */
  resolveRevision(repo: Repo, revision: string): Commit | undefined {
    if (revision === "HEAD") revision = repo.defaultBranch;
    let idx: number | undefined;
    const m = /^refs\/(heads|tags|pr)\/(.+)$/.exec(revision);
    if (m) {
      const map = m[1] === "heads" ? repo.branches : m[1] === "tags" ? repo.tags : repo.pullRequests;
      idx = map.get(m[2] as string);
    } else {
      idx = repo.branches.get(revision) ?? repo.tags.get(revision);
      if (idx === undefined && /^[0-9a-f]{40}$/.test(revision))
        idx = repo.commits.find((c) => c.id === revision)?.index;
    }
    return idx === undefined ? undefined : repo.commits[idx];
  }

  /** The valid token for this Authorization value; `undefined` if unknown or expired. */
  lookupToken(token: string): Token | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    if (t.expiresAt !== undefined && this.clock.now() >= t.expiresAt) return undefined;
    return t;
  }

  /** Issues an OAuth access token for a user (device flow and refresh). */
  issueOAuthToken(user: string, ttlSeconds: number): Token {
    const now = this.clock.now();
    const token: Token = {
      token: `hf_oauth_${randomBytes(24).toString("base64url").replace(/[-_]/g, "x")}`,
      name: `oauth-${user}`,
      role: "write",
      scopes: [],
      user,
      kind: "oauth",
      createdAt: new Date(now).toISOString(),
      expiresAt: now + ttlSeconds * 1000,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  /**
   * Issues a token through a trusted publisher (the RFC 8693 token exchange): `hf_jwt_...`, as the
   * Hub's, valid `ttlSeconds`, reaching only what `scope` says.
   */
  issueOidcToken(user: string, scope: OidcScope, ttlSeconds: number): Token {
    const now = this.clock.now();
    const token: Token = {
      token: `hf_jwt_${randomBytes(30).toString("base64url").replace(/[-_]/g, "x")}`,
      name: `oidc-${scope.resource}`,
      role: "fineGrained",
      scopes: scope.write ? ["repo.content.read", "repo.write"] : ["repo.content.read"],
      user,
      kind: "oidc",
      createdAt: new Date(now).toISOString(),
      expiresAt: now + ttlSeconds * 1000,
      oidc: scope,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  /** Whether an OIDC token's scope names this repo. */
  private oidcCovers(scope: OidcScope, repo: Repo): boolean {
    return scope.repo !== undefined && scope.repo.type === repo.type && scope.repo.id === repo.id;
  }

  private isMember(user: string, owner: string): boolean {
    return user === owner || (this.orgs.get(owner)?.members.has(user) ?? false);
  }

  private hasScope(token: Token, scope: string): boolean {
    return token.role !== "fineGrained" || token.scopes.includes(scope);
  }

  /**
   * Can this token see the repo at all (metadata, tree, refs)? Private repos are visible to the
   * owner and the owning org's members only; to anyone else they do not exist.
   */
  canSee(repo: Repo, token: Token | undefined): boolean {
    if (!repo.private) return true;
    // An OIDC token sees one private repo at most: its publisher's (a CI/CD identity sees none).
    if (token?.oidc) return this.oidcCovers(token.oidc, repo);
    if (!token || !this.isMember(token.user, repo.owner)) return false;
    return this.hasScope(token, "repo.content.read");
  }

  /** Can this token read the repo's files? Gated repos need a grant (or membership). */
  canReadFiles(repo: Repo, token: Token | undefined): ReadAccess {
    if (!this.canSee(repo, token)) return "not-found";
    if (!repo.gated) return "ok";
    if (!token) return "gated";
    if (token.oidc?.repo) return this.oidcCovers(token.oidc, repo) ? "ok" : "gated";
    const allowed = this.isMember(token.user, repo.owner) || repo.grants.has(token.user);
    if (!allowed) return "gated";
    return this.hasScope(token, "repo.content.read") ? "ok" : "gated";
  }

  canWrite(repo: Repo, token: Token | undefined): boolean {
    if (token?.oidc) return token.oidc.write && this.oidcCovers(token.oidc, repo);
    if (!token || !this.isMember(token.user, repo.owner)) return false;
    if (token.role === "read") return false;
    return token.role !== "fineGrained" || token.scopes.includes("repo.write");
  }

  /**
   * A user asks for access to a gated repo: granted at once when gating is `auto`, else pending
   * until someone handles it (as on huggingface.co).
   */
  requestAccess(repo: Repo, user: string): "accepted" | "pending" {
    if (repo.grants.has(user)) return "accepted";
    return this.setAccess(repo, user, repo.gated === "auto" ? "accepted" : "pending") as
      | "accepted"
      | "pending";
  }

  /** Moves a user's access request to a status (`accepted` grants access). */
  setAccess(repo: Repo, user: string, status: "accepted" | "rejected" | "pending"): string {
    repo.grants.delete(user);
    repo.pending.delete(user);
    repo.rejected.delete(user);
    (status === "accepted" ? repo.grants : status === "rejected" ? repo.rejected : repo.pending).add(user);
    repo.requestTimes.set(user, new Date(this.clock.now()).toISOString());
    return status;
  }

  /** Which users (and their tokens) exist, for `hf serve` output and `hub.users`. */
  listTokens(): { name: string; token: string; role: TokenRole }[] {
    return [...this.tokens.values()]
      .filter((t) => t.kind === "access_token")
      .map((t) => ({ name: t.user, token: t.token, role: t.role }));
  }
}
