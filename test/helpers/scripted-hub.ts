import type { IncomingMessage, ServerResponse } from "node:http";
import {
  createHubServer,
  type FileSpec,
  type HubFixture,
  type HubServer,
  type RepoSpec,
} from "../../src/server/index.js";

/**
 * The local Hub (`createHubServer`, the one the CLI serves) for download tests that script
 * misbehaviour per test: `hook` sees every request first (through the server's `intercept`) and
 * answers it itself when it returns true (a reset mid-body, other bytes, a 206 of its own...);
 * otherwise the real routes answer. `requests` records every request with its headers, which the
 * server's own log keeps no values of (Range, If-Range, Authorization).
 */
export interface SeenRequest {
  method: string;
  /** Which listener: the Hub, or the CDN that LFS downloads are redirected to. */
  host: "hub" | "cdn";
  /** Path and query as received. */
  path: string;
  headers: IncomingMessage["headers"];
  /** The answer's status (0 until it is sent). */
  readonly status: number;
}

export type Hook = (
  req: IncomingMessage,
  res: ServerResponse,
  seen: SeenRequest,
) => boolean | undefined | Promise<boolean | undefined>;

/** A file given as bytes (stored through LFS with `lfs`); `null` deletes the path in a later commit. */
export interface ScriptedFile {
  content: Buffer;
  lfs?: boolean;
}

/** A repo whose commits are tables of files; the fixture's branches, tags and pull requests apply. */
export interface ScriptedRepo extends Omit<RepoSpec, "commits"> {
  commits: Record<string, ScriptedFile | null>[];
}

export interface ScriptedHub {
  server: HubServer;
  url: string;
  cdnUrl: string;
  requests: SeenRequest[];
  hook: Hook | undefined;
  /** Adds a repo; returns its commit ids, oldest first. */
  addRepo(repo: ScriptedRepo): string[];
  close(): Promise<void>;
}

function toSpec(repo: ScriptedRepo): RepoSpec {
  return {
    ...repo,
    commits: repo.commits.map((files) => ({
      files: Object.fromEntries(
        Object.entries(files).map(([path, f]): [string, FileSpec | null] => [
          path,
          f === null ? null : { base64: f.content.toString("base64"), lfs: f.lfs === true },
        ]),
      ),
    })),
  };
}

/**
 * Starts the local Hub with `fixture` (users and tokens, say) and no repo, for `addRepo`.
 *
 * @example
 * const hub = await startScriptedHub();
 * const [c1] = hub.addRepo({ id: "acme/tiny", commits: [{ "a.txt": { content: Buffer.from("a") } }] });
 * hub.hook = (_req, res, seen) => seen.host === "cdn" && !!res.writeHead(500).end();
 */
export async function startScriptedHub(fixture: Omit<HubFixture, "repos"> = {}): Promise<ScriptedHub> {
  const hub = {
    requests: [] as SeenRequest[],
    hook: undefined as Hook | undefined,
  };
  const server = await createHubServer({
    fixture,
    intercept: async (req, res, entry) => {
      const seen: SeenRequest = {
        method: entry.method,
        host: entry.server,
        path: entry.path,
        headers: req.headers,
        get status() {
          return entry.status;
        },
      };
      hub.requests.push(seen);
      return (await hub.hook?.(req, res, seen)) === true;
    },
  });
  return Object.assign(hub, {
    server,
    url: server.url,
    cdnUrl: server.cdnUrl,
    addRepo: (repo: ScriptedRepo) => server.addRepo(toSpec(repo)).commits,
    close: () => server.close(),
  });
}
