import { describe, expect, it } from "vitest";
import { type HopState, MAX_REDIRECTS, nextHop } from "../../src/http/next-hop.js";

const TOKEN = "hf_nextHopTokenAbcdefghijklmnopqrstuvwxyz";
const HUB = "http://127.0.0.1:8080";
const CDN = "http://127.0.0.2:8081";

function at(url: string, more: Partial<HopState> = {}): HopState {
  return { url, firstUrl: url, method: "GET", hops: 0, leftOrigin: false, ...more };
}
const rules = { redirect: "follow" as const, endpoint: HUB, token: TOKEN };

describe("nextHop", () => {
  it.each([
    {
      name: "a relative Location resolves against the current URL and keeps the token",
      state: at(`${HUB}/acme/x/resolve/main/a.json`),
      answer: { status: 307, location: "../../resolve/abc123/a.json" },
      want: {
        follow: true,
        url: `${HUB}/acme/x/resolve/abc123/a.json`,
        leftOrigin: false,
        authorization: `Bearer ${TOKEN}`,
      },
    },
    {
      name: "a cross-origin hop drops the token",
      state: at(`${HUB}/acme/x/resolve/main/a.bin`),
      answer: { status: 302, location: `${CDN}/blobs/abc` },
      want: { follow: true, url: `${CDN}/blobs/abc`, leftOrigin: true, authorization: undefined },
    },
    {
      name: "the same hostname on another port is another origin",
      state: at(`${HUB}/a`),
      answer: { status: 302, location: "http://127.0.0.1:9999/a" },
      want: { follow: true, leftOrigin: true, authorization: undefined },
    },
    {
      name: "an https -> http downgrade of the endpoint drops the token",
      state: at("https://hub.example/a"),
      answer: { status: 301, location: "http://hub.example/a" },
      rules: { ...rules, endpoint: "https://hub.example" },
      want: { follow: true, url: "http://hub.example/a", leftOrigin: true, authorization: undefined },
    },
    {
      name: "coming back to the endpoint after leaving it does not bring the token back",
      state: at(`${CDN}/b`, { firstUrl: `${HUB}/a`, hops: 1, leftOrigin: true }),
      answer: { status: 302, location: `${HUB}/c` },
      want: { follow: true, url: `${HUB}/c`, leftOrigin: true, authorization: undefined },
    },
    {
      name: "auth: false sends no token even on a same-origin hop",
      state: at(`${HUB}/a`),
      answer: { status: 302, location: "/b" },
      rules: { ...rules, auth: false },
      want: { follow: true, url: `${HUB}/b`, leftOrigin: false, authorization: undefined },
    },
    {
      name: "hub-only stops at the first redirect off the Hub",
      state: at(`${HUB}/acme/x/resolve/main/a.bin`, { method: "HEAD" }),
      answer: { status: 302, location: `${CDN}/blobs/abc` },
      rules: { ...rules, redirect: "hub-only" as const },
      want: { follow: false, offHub: true },
    },
    {
      name: "hub-only follows a redirect to a Hub host",
      state: at(`${HUB}/acme/x/resolve/main/a.bin`, { method: "HEAD" }),
      answer: { status: 307, location: "https://huggingface.co/acme/x/resolve/abc/a.bin" },
      rules: { ...rules, redirect: "hub-only" as const },
      want: { follow: true, method: "HEAD", leftOrigin: true, authorization: undefined },
    },
    {
      name: "manual delivers every redirect",
      state: at(`${HUB}/a`),
      answer: { status: 302, location: "/b" },
      rules: { ...rules, redirect: "manual" as const },
      want: { follow: false, offHub: false },
    },
    {
      name: "a 3xx without Location is delivered",
      state: at(`${HUB}/a`),
      answer: { status: 302, location: undefined },
      want: { follow: false, offHub: false },
    },
    {
      name: "a 200 is delivered",
      state: at(`${HUB}/a`),
      answer: { status: 200, location: "/b" },
      want: { follow: false, offHub: false },
    },
    {
      name: "303 turns a POST into a body-less GET",
      state: at(`${HUB}/a`, { method: "POST" }),
      answer: { status: 303, location: "/b" },
      want: { follow: true, method: "GET", dropBody: true },
    },
    {
      name: "303 keeps a HEAD",
      state: at(`${HUB}/a`, { method: "HEAD" }),
      answer: { status: 303, location: "/b" },
      want: { follow: true, method: "HEAD", dropBody: false },
    },
    {
      name: "307 keeps a POST and its body",
      state: at(`${HUB}/a`, { method: "POST" }),
      answer: { status: 307, location: "/b" },
      want: { follow: true, method: "POST", dropBody: false },
    },
  ])("$name", ({ state, answer, want, ...rest }) => {
    expect(nextHop(state, answer, rest.rules ?? rules)).toMatchObject(want);
  });

  it.each([
    {
      name: "a non-http scheme",
      location: "file:///etc/passwd",
      message: /file: URL, which hubkit does not follow/,
    },
    { name: "a Location that is not a URL", location: "http://[bad", message: /invalid Location/ },
  ])("refuses $name", ({ location, message }) => {
    expect(() => nextHop(at(`${HUB}/a`), { status: 302, location }, rules)).toThrow(message);
  });

  it(`stops a loop after ${MAX_REDIRECTS} hops, naming the first URL`, () => {
    const state = at(`${HUB}/loop`, { firstUrl: `${HUB}/start` });
    expect(
      nextHop({ ...state, hops: MAX_REDIRECTS - 1 }, { status: 302, location: "/loop" }, rules),
    ).toMatchObject({
      follow: true,
    });
    expect(() =>
      nextHop({ ...state, hops: MAX_REDIRECTS }, { status: 302, location: "/loop" }, rules),
    ).toThrow(`Too many redirects (more than ${MAX_REDIRECTS}) starting at GET ${HUB}/start`);
  });

  it("never puts the token in a thrown message", () => {
    const thrown = (() => {
      try {
        nextHop(at(`${HUB}/a`, { hops: MAX_REDIRECTS }), { status: 302, location: "/a" }, rules);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(thrown?.message).toMatch(/Too many redirects/);
    expect(thrown?.message).not.toContain(TOKEN);
  });
});
