import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeEtag, parseFileMetadata } from "../../src/download/metadata.js";
import { filterRepoPaths, fnmatch } from "../../src/download/patterns.js";
import { validateRelativeFilename, validateRepoId } from "../../src/download/validators.js";
import { PYTHON_BIN } from "../helpers/cli.js";

describe("validateRepoId (Python's rules and messages)", () => {
  it.each([["gpt2"], ["acme/tiny-model"], ["Foo-BAR_foo.bar123"], ["a/b"], ["x".repeat(96)]])(
    "accepts %s",
    (id) => expect(() => validateRepoId(id)).not.toThrow(),
  );

  it.each([
    [
      "datasets/foo/bar",
      "Repo id must be in the form 'repo_name' or 'namespace/repo_name': 'datasets/foo/bar'. Use `repo_type` argument if needed.",
    ],
    [
      ".repo_id",
      "Repo id must use alphanumeric chars, '-', '_' or '.'. The name cannot start or end with '-' or '.' and the maximum length is 96: '.repo_id'.",
    ],
    [
      "a/b-",
      "Repo id must use alphanumeric chars, '-', '_' or '.'. The name cannot start or end with '-' or '.' and the maximum length is 96: 'a/b-'.",
    ],
    [
      "x".repeat(97),
      `Repo id must use alphanumeric chars, '-', '_' or '.'. The name cannot start or end with '-' or '.' and the maximum length is 96: '${"x".repeat(97)}'.`,
    ],
    ["bad--id/x", "Cannot have -- or .. in repo_id: 'bad--id/x'."],
    ["other..repo", "Cannot have -- or .. in repo_id: 'other..repo'."],
    ["foo.git", "Repo_id cannot end by '.git': 'foo.git'."],
    [
      "héllo/x",
      "Repo id must use alphanumeric chars, '-', '_' or '.'. The name cannot start or end with '-' or '.' and the maximum length is 96: 'héllo/x'.",
    ],
  ])("refuses %s", (id, message) => {
    expect(() => validateRepoId(id)).toThrow(message);
    try {
      validateRepoId(id);
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

describe("validateRelativeFilename", () => {
  it.each(["config.json", "sub/dir/file.txt", "weird name [1].txt", "a..b"])("accepts %s", (f) =>
    expect(() => validateRelativeFilename(f)).not.toThrow(),
  );
  it.each([
    ["../x", "cannot contain a '..' path segment"],
    ["a/../../x", "cannot contain a '..' path segment"],
    ["a\\..\\x", "cannot contain a '..' path segment"],
    ["/etc/passwd", "cannot be an absolute"],
    ["C:\\Windows\\x", "cannot be an absolute"],
    ["sub/D:foo", "cannot be an absolute"],
    ["\\\\host\\share\\x", "cannot be an absolute"],
    ["a//b", "empty"],
  ])("refuses %s", (f, msg) => expect(() => validateRelativeFilename(f)).toThrow(msg));
});

describe("filterRepoPaths (python-hf-download.md §5.1 matrix)", () => {
  const items = [
    "config.json",
    "a/b.json",
    "sub/dir/file.txt",
    "sub",
    "subway.txt",
    "weird name [1].txt",
    "README.MD",
    ".gitattributes",
  ];
  it.each([
    [["*.json"], undefined, ["config.json", "a/b.json"]],
    [["sub/"], undefined, ["sub/dir/file.txt"]],
    [["sub/**"], undefined, ["sub/dir/file.txt"]],
    [["sub*"], undefined, ["sub/dir/file.txt", "sub", "subway.txt"]],
    [["sub"], undefined, ["sub"]],
    [["**/*.json"], undefined, ["a/b.json"]],
    [["*.md"], undefined, []],
    [["weird name [1].txt"], undefined, []],
    [["weird name [[]1].txt"], undefined, ["weird name [1].txt"]],
    [["*"], [".*"], items.filter((i) => i !== ".gitattributes")],
    [undefined, ["sub/"], items.filter((i) => i !== "sub/dir/file.txt")],
    [[], undefined, []],
  ])("include %j exclude %j", (inc, exc, expected) => {
    expect(filterRepoPaths(items, inc as string[] | undefined, exc as string[] | undefined)).toEqual(
      expected,
    );
  });

  it.runIf(existsSync(join(PYTHON_BIN, "python")))(
    "agrees with Python's fnmatch.fnmatchcase on tricky patterns",
    () => {
      const names = ["a", "ab", "a/b", "[", "]", "a]", "a-b", "!", "x.y", "é", "a\\b", "-", "^", "b"];
      const pats = [
        "*",
        "?",
        "[a]",
        "[!a]",
        "[]]",
        "[!]]",
        "[a-b]",
        "[b-a]",
        "[",
        "a[",
        "[!]",
        "[]-]",
        "*[/]*",
        "[^a]",
        "[\\]",
        "a\\b",
        "[a-]",
        "**",
        "?*?",
        "[!-]",
      ];
      const expected = JSON.parse(
        execFileSync(join(PYTHON_BIN, "python"), [
          "-c",
          `import fnmatch,json,sys\nn=${JSON.stringify(names)}\np=${JSON.stringify(pats)}\nprint(json.dumps([[fnmatch.fnmatchcase(a,b) for a in n] for b in p]))`,
        ]).toString(),
      ) as boolean[][];
      const got = pats.map((p) => names.map((n) => fnmatch(n, p)));
      expect(got).toEqual(expected);
    },
  );
});

describe("HEAD metadata", () => {
  it("normalises etags like Python's lstrip('W/').strip('\"')", () => {
    expect(normalizeEtag('W/"abc"')).toBe("abc");
    expect(normalizeEtag('"abc"')).toBe("abc");
    expect(normalizeEtag("Wxyz")).toBe("xyz");
  });
  it("takes X-Linked-Size on a redirect, never the redirect's Content-Length", () => {
    const m = parseFileMetadata({
      status: 302,
      url: "http://hub/a/b/resolve/main/x",
      headers: {
        location: "http://cdn/x",
        "x-repo-commit": "c",
        "x-linked-etag": '"s"',
        etag: '"p"',
        "content-length": "0",
      },
    });
    expect(m).toEqual({ commit: "c", etag: "s", location: "http://cdn/x", size: undefined });
    const m2 = parseFileMetadata({
      status: 200,
      url: "http://hub/a/b/resolve/main/x",
      headers: { "x-repo-commit": "c", etag: 'W/"p"', "content-length": "12" },
    });
    expect(m2).toEqual({ commit: "c", etag: "p", location: "http://hub/a/b/resolve/main/x", size: 12 });
  });
});
