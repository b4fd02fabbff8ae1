import { describe, expect, it } from "vitest";
import { type Route, RouteTable } from "../../src/server/route-table.js";

const noop = () => {};
const r = (route: string, token?: "ignored"): Route => ({ route, handle: noop, token });

/** The patterns and params of every route matching `METHOD /path`, in table order. */
function matches(table: RouteTable, request: string): [string, Record<string, string>][] {
  const [method, path] = request.split(" ") as [string, string];
  const segments = path.slice(1).split("/").map(decodeURIComponent);
  return [...table.matches(method, segments)].map((m) => [m.route.route, m.params]);
}

describe("RouteTable", () => {
  it("literals, alternatives bound as params, single segments, and the methods of each route", () => {
    const t = new RouteTable().add(
      r("GET /api/whoami-v2"),
      r("GET /api/:type(models|datasets|spaces)"),
      r("POST /_hubkit/device/:decision(approve|deny)"),
      r("GET|HEAD /repos/:xx/:yy/:sha"),
    );
    expect(matches(t, "GET /api/whoami-v2")).toEqual([["GET /api/whoami-v2", {}]]);
    expect(matches(t, "GET /api/datasets")).toEqual([
      ["GET /api/:type(models|datasets|spaces)", { type: "datasets" }],
    ]);
    expect(matches(t, "GET /api/collections")).toEqual([]);
    expect(matches(t, "HEAD /api/models")).toEqual([]);
    expect(matches(t, "POST /_hubkit/device/deny")[0]?.[1]).toEqual({ decision: "deny" });
    expect(matches(t, "HEAD /repos/ab/cd/abcd")[0]?.[1]).toEqual({ xx: "ab", yy: "cd", sha: "abcd" });
    expect(matches(t, "GET /repos/ab/cd")).toEqual([]);
    expect(matches(t, "GET /repos/ab/cd/ef/gh")).toEqual([]);
  });

  it("every matching route, in the order added (a handler may decline and hand on)", () => {
    const t = new RouteTable().add(r("GET /a/:x"), r("GET /a/b"), r("GET /:y/b"));
    expect(matches(t, "GET /a/b").map(([p]) => p)).toEqual(["GET /a/:x", "GET /a/b", "GET /:y/b"]);
  });

  it(":path* may be empty, :path+ may not; both join the rest with /", () => {
    const t = new RouteTable().add(r("GET /t/{rev}/:path*"), r("GET /f/{rev}/:path+"));
    expect(matches(t, "GET /t/main")[0]?.[1]).toEqual({ rev: "main", path: "" });
    expect(matches(t, "GET /t/main/a/b")[0]?.[1]).toEqual({ rev: "main", path: "a/b" });
    expect(matches(t, "GET /f/main")).toEqual([]);
    expect(matches(t, "GET /f/main/a%2Fb/c")[0]?.[1]).toEqual({ rev: "main", path: "a/b/c" });
  });

  it("{rev} is `refs/<kind>/<name>` unencoded when what follows still matches, else one segment", () => {
    const t = new RouteTable().add(r("GET /t/{rev}/:path*"), r("GET /f/{rev}/:path+"));
    expect(matches(t, "GET /t/refs/pr/1")[0]?.[1]).toEqual({ rev: "refs/pr/1", path: "" });
    expect(matches(t, "GET /t/refs/pr")[0]?.[1]).toEqual({ rev: "refs", path: "pr" });
    expect(matches(t, "GET /f/refs/pr/1/a.txt")[0]?.[1]).toEqual({ rev: "refs/pr/1", path: "a.txt" });
    // Too short for three segments and a file: `refs` is the revision (and will not be found).
    expect(matches(t, "GET /f/refs/pr/1")[0]?.[1]).toEqual({ rev: "refs", path: "pr/1" });
    expect(matches(t, "GET /f/refs%2Fpr%2F1/a.txt")[0]?.[1]).toEqual({ rev: "refs/pr/1", path: "a.txt" });
  });

  describe("{repo}: one or two segments, decided by the words the table's routes put after it", () => {
    const existing = new Set(["gpt2", "acme"]);
    const t = new RouteTable({ isRepo: (_p, id) => existing.has(id) }).add(
      r("GET /api/models/{repo}"),
      r("GET /api/models/{repo}/tree/{rev}/:path*"),
      r("GET /api/models/{repo}/refs"),
      r("GET|HEAD /{repo}/:action(resolve|raw)/{rev}/:path+"),
    );
    const repo = (request: string) => matches(t, request).map(([, p]) => p.repo);

    it("only one split fits: that one", () => {
      expect(repo("GET /api/models/acme/tiny-model")).toEqual(["acme/tiny-model"]);
      expect(repo("GET /api/models/gpt2")).toEqual(["gpt2"]);
      expect(repo("GET /api/models/acme/tiny-model/tree/main")).toEqual(["acme/tiny-model"]);
      expect(repo("GET /acme/tiny-model/resolve/main/config.json")).toEqual(["acme/tiny-model"]);
      // One segment, though no such repo: the handler then answers RepoNotFound, as the Hub does.
      expect(repo("GET /nobody/resolve/main/config.json")).toEqual(["nobody"]);
      expect(repo("GET /api/models/nobody/tree/main")).toEqual(["nobody"]);
    });

    it("both fit: one segment if that repo exists, else two", () => {
      expect(repo("GET /api/models/gpt2/refs")).toEqual(["gpt2"]);
      expect(repo("GET /api/models/nobody/refs")).toEqual(["nobody/refs"]);
      expect(repo("GET /acme/resolve/resolve/main/a.txt")).toEqual(["acme"]);
      expect(repo("GET /other/resolve/resolve/main/a.txt")).toEqual(["other/resolve"]);
    });

    it("the choice is final, and a path that fits neither matches nothing", () => {
      // gpt2 exists, so this is gpt2's tree without a revision: not tried as the repo gpt2/tree.
      expect(matches(t, "GET /api/models/gpt2/tree")).toEqual([]);
      expect(matches(t, "GET /api/models/acme/history/commitz/main")).toEqual([]);
      expect(matches(t, "GET /acme/history/blob/main/a.txt")).toEqual([]);
    });

    it("the words come from every route that puts {repo} at the same place, added before or after", () => {
      const later = new RouteTable({ isRepo: () => false }).add(r("GET /api/models/{repo}"));
      expect(matches(later, "GET /api/models/nobody/refs").map(([, p]) => p.repo)).toEqual(["nobody/refs"]);
      later.add(r("GET /api/models/{repo}/refs/:x"));
      // Now `refs` may follow a one-segment id; both fit, and no repo `nobody` exists: two segments.
      expect(matches(later, "GET /api/models/nobody/refs").map(([, p]) => p.repo)).toEqual(["nobody/refs"]);
      expect(matches(later, "GET /api/models/nobody/refs/x").map(([, p]) => p.repo)).toEqual(["nobody"]);
    });
  });

  it("refuses patterns it cannot read", () => {
    expect(() => new RouteTable().add(r("/no/method"))).toThrow(/METHODS \/path/);
    expect(() => new RouteTable().add(r("GET /a/:rest*/b"))).toThrow(/must come last/);
    expect(() => new RouteTable().add(r("GET /{repo}/:x"))).toThrow(/followed by words/);
    expect(() => new RouteTable().add(r("GET /a(b"))).toThrow(/cannot read/);
  });
});
