/**
 * The local Hub's router: a table of `METHODS /path-pattern` -> handler, one table per listener
 * (the Hub host and the CDN host). The first route, in the order added, whose methods and pattern
 * match answers; a request no route answers is the caller's loud, logged 404.
 *
 * Patterns, segment by segment (the path is split on `/` and each segment percent-decoded on its
 * own, so a `%2F` stays inside its segment):
 *   `api`                            a literal segment
 *   `:type(models|datasets|spaces)`  one of these literals, bound as `type`
 *   `:name`                          any one segment
 *   `{repo}`                         a repo id, `name` or `namespace/name` (the rule is below)
 *   `{rev}`                          a revision: one segment, or `refs/<kind>/<name>` written with
 *                                    slashes (as huggingface_hub quotes `refs/pr/1` only sometimes)
 *   `:path*`, `:path+`               the rest of the path (zero, or one or more segments), joined
 *                                    with `/`; last only
 *
 * A repo id is one or two segments, and the Hub reserves the words that follow one (`resolve`,
 * `tree`, ...), so the table decides it from what its routes say may follow `{repo}` at that place
 * (every route with the same pattern before `{repo}` shares that set): one segment when only a
 * one-segment id is followed by such a word (or ends the path where a route ends), two when only a
 * two-segment id is, and when both are, one segment only if that one-segment repo exists (`gpt2/
 * resolve/...` is gpt2's file; `acme/resolve/resolve/...` is acme/resolve's while no repo `acme`
 * exists). The choice is final: a path that then fails to match is not tried the other way.
 *
 * Adding routes (a mode, a backend, a new route family): write a function that returns `Route[]`
 * over the state it needs, as `apiRoutes(state)` does, and add its routes to the table of their
 * host in `createHubServer`, before the file routes (`/{repo}/resolve/...` would take any path
 * shaped like a file URL). A Xet route set adds `GET /api/:type/{repo}/xet-read-token/{rev}` to
 * the Hub table and gets a table of its own for a CAS listener; a mirror backend adds the same
 * families as the store does, with handlers that ask the upstream Hub. A handler that finds the
 * request is not its own after all returns `false`, and the next matching route is tried.
 */
import type { Call } from "./context.js";

export type RouteParams = Record<string, string>;

/**
 * A request target split the way the table matches it: the path's segments, each percent-decoded on
 * its own (never the whole path normalised, so `..` stays a segment routes refuse), and the query.
 * `undefined` for a target that is not an absolute path or does not decode: a 400 for the caller.
 *
 * @example splitTarget("/api/models/a%2Fb?x=1") // { path: "/api/models/a%2Fb", segments: ["api", "models", "a/b"], query: "x=1" }
 */
export function splitTarget(raw: string): { path: string; segments: string[]; query: string } | undefined {
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  if (!path.startsWith("/")) return undefined;
  try {
    return {
      path,
      segments: path.slice(1).split("/").map(decodeURIComponent),
      query: q < 0 ? "" : raw.slice(q + 1),
    };
  } catch {
    return undefined;
  }
}

/** Answers the request; `false` (synchronously) hands it on to the next matching route. */
export type RouteHandler = (call: Call, params: RouteParams) => void | false | Promise<void>;

export interface Route {
  /** `GET|HEAD /api/:type(models|datasets|spaces)/{repo}`: methods, a space, the path pattern. */
  route: string;
  handle: RouteHandler;
  /**
   * `ignored`: the route never looks at Authorization (the Hub's OAuth endpoints do not). Default
   * `checked`: an unknown or expired token is refused with a 401 before the handler runs.
   */
  token?: "checked" | "ignored";
}

export interface RouteTableOptions {
  /** Whether a one-segment repo `id` exists, for the `{repo}` rule; `params` holds what came before. */
  isRepo?: (params: RouteParams, id: string) => boolean;
}

type Part =
  | { kind: "literal"; values: ReadonlySet<string>; name?: string }
  | { kind: "segment"; name: string }
  | { kind: "repo"; name: string; follow: RepoFollowers }
  | { kind: "rev"; name: string }
  | { kind: "rest"; name: string; min: 0 | 1 };

/** What may follow `{repo}` at one place of the path tree, over every route that shares it. */
interface RepoFollowers {
  words: Set<string>;
  /** Some route ends right after `{repo}`. */
  end: boolean;
}

interface CompiledRoute {
  methods: ReadonlySet<string>;
  parts: Part[];
  route: Route;
}

export interface RouteMatch {
  route: Route;
  params: RouteParams;
}

const SYNTAX = /^(?::(\w+)\(([^()]+)\)|:(\w+)([*+]?)|\{(repo|rev)\}|([^:{}()*+]+))$/;

export class RouteTable {
  private readonly routes: CompiledRoute[] = [];
  private readonly followers = new Map<string, RepoFollowers>();

  constructor(private readonly options: RouteTableOptions = {}) {}

  /** Adds routes after those already there; throws on a pattern it cannot read. */
  add(...routes: Route[]): this {
    for (const route of routes) this.routes.push(this.compile(route));
    return this;
  }

  private compile(route: Route): CompiledRoute {
    const m = /^([A-Z|]+) (\/\S*)$/.exec(route.route);
    if (!m) throw new Error(`route table: expected "METHODS /path", got '${route.route}'`);
    const parts: Part[] = [];
    const texts = (m[2] as string).slice(1).split("/");
    texts.forEach((text, i) => {
      const s = SYNTAX.exec(text);
      if (!s) throw new Error(`route table: cannot read '${text}' in '${route.route}'`);
      const [, altName, alts, name, rest, special, literal] = s;
      if (altName) parts.push({ kind: "literal", values: new Set(alts?.split("|")), name: altName });
      else if (name && rest) {
        if (i !== texts.length - 1)
          throw new Error(`route table: ${text} must come last in '${route.route}'`);
        parts.push({ kind: "rest", name, min: rest === "+" ? 1 : 0 });
      } else if (name) parts.push({ kind: "segment", name });
      else if (special === "rev") parts.push({ kind: "rev", name: "rev" });
      else if (special === "repo") {
        const at = texts.slice(0, i).join("/");
        const follow = this.followers.get(at) ?? { words: new Set<string>(), end: false };
        this.followers.set(at, follow);
        parts.push({ kind: "repo", name: "repo", follow });
      } else parts.push({ kind: "literal", values: new Set([literal as string]) });
    });
    parts.forEach((p, i) => {
      if (p.kind !== "repo") return;
      const next = parts[i + 1];
      if (next === undefined) p.follow.end = true;
      else if (next.kind === "literal") for (const v of next.values) p.follow.words.add(v);
      else throw new Error(`route table: {repo} must be followed by words in '${route.route}'`);
    });
    return { methods: new Set((m[1] as string).split("|")), parts, route };
  }

  /** Every route that matches, in table order (a handler may decline and hand on to the next). */
  *matches(method: string, segments: readonly string[]): Generator<RouteMatch> {
    for (const r of this.routes) {
      if (!r.methods.has(method)) continue;
      const params: RouteParams = {};
      if (this.match(r.parts, 0, segments, 0, params)) yield { route: r.route, params };
    }
  }

  private match(
    parts: Part[],
    pi: number,
    segs: readonly string[],
    si: number,
    params: RouteParams,
  ): boolean {
    const part = parts[pi];
    if (part === undefined) return si === segs.length;
    const seg = segs[si];
    switch (part.kind) {
      case "literal":
        if (seg === undefined || !part.values.has(seg)) return false;
        if (part.name) params[part.name] = seg;
        return this.match(parts, pi + 1, segs, si + 1, params);
      case "segment":
        if (seg === undefined) return false;
        params[part.name] = seg;
        return this.match(parts, pi + 1, segs, si + 1, params);
      case "rest": {
        if (segs.length - si < part.min) return false;
        params[part.name] = segs.slice(si).join("/");
        return true;
      }
      case "rev":
        if (seg === undefined) return false;
        // `refs/pr/1` unencoded is three segments; fall back to one if the rest then cannot match.
        if (seg === "refs" && si + 3 <= segs.length) {
          params.rev = segs.slice(si, si + 3).join("/");
          if (this.match(parts, pi + 1, segs, si + 3, params)) return true;
        }
        params.rev = seg;
        return this.match(parts, pi + 1, segs, si + 1, params);
      case "repo": {
        const n = this.repoLength(part.follow, segs, si, params);
        if (n === 0) return false;
        params.repo = segs.slice(si, si + n).join("/");
        return this.match(parts, pi + 1, segs, si + n, params);
      }
    }
  }

  /** How many segments the repo id at `si` takes (0: none fits); see the header. */
  private repoLength(
    follow: RepoFollowers,
    segs: readonly string[],
    si: number,
    params: RouteParams,
  ): number {
    const fits = (n: number) => {
      if (si + n > segs.length) return false;
      const next = segs[si + n];
      return next === undefined ? follow.end : follow.words.has(next);
    };
    const one = fits(1);
    const two = fits(2);
    if (one && two) return this.options.isRepo?.(params, segs[si] as string) ? 1 : 2;
    return one ? 1 : two ? 2 : 0;
  }
}
