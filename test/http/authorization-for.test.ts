import { describe, expect, it } from "vitest";
import { authorizationFor } from "../../src/http/authorization-for.js";

const TOKEN = "hf_testTokenAbcdefghijklmnopqrstuvwxyz0123";
const BEARER = `Bearer ${TOKEN}`;

describe("authorizationFor: the token goes to the endpoint's origin only", () => {
  it.each([
    // [url, endpoint, gets the token]
    ["http://127.0.0.1:8080/acme/x/resolve/main/config.json", "http://127.0.0.1:8080", true],
    ["http://127.0.0.1:8080/api/whoami-v2", "http://127.0.0.1:8080/", true],
    ["HTTP://127.0.0.1:8080/a", "http://127.0.0.1:8080", true],
    ["https://huggingface.co/acme/x/resolve/main/a", "https://huggingface.co", true],
    ["https://huggingface.co:443/a", "https://huggingface.co", true],
    ["https://HuggingFace.co/a", "https://huggingface.co", true],
    ["http://127.0.0.1:8080/a", "http://127.0.0.1:8080/mirror", true],
    // the CDN, another port, another scheme, a look-alike host
    ["http://127.0.0.2:8081/blobs/abc", "http://127.0.0.1:8080", false],
    ["http://127.0.0.1:9090/a", "http://127.0.0.1:8080", false],
    ["http://huggingface.co/a", "https://huggingface.co", false],
    ["https://cdn-lfs.huggingface.co/a", "https://huggingface.co", false],
    ["https://huggingface.co.evil.example/a", "https://huggingface.co", false],
    ["https://hf.co/a", "https://huggingface.co", false],
    // not absolute URLs
    ["/acme/x/resolve/main/a", "http://127.0.0.1:8080", false],
    ["models/acme/x/config.json", "http://127.0.0.1:8080", false],
    ["file:///etc/passwd", "file:///", false],
  ])("%s with endpoint %s: %s", (url, endpoint, gets) => {
    expect(authorizationFor(url, { endpoint, token: TOKEN })).toBe(gets ? BEARER : undefined);
  });

  it("sends nothing without a token", () => {
    expect(
      authorizationFor("http://127.0.0.1:8080/a", { endpoint: "http://127.0.0.1:8080", token: undefined }),
    ).toBe(undefined);
    expect(
      authorizationFor("http://127.0.0.1:8080/a", { endpoint: "http://127.0.0.1:8080", token: "" }),
    ).toBe(undefined);
  });

  it("takes URL objects", () => {
    expect(
      authorizationFor(new URL("http://127.0.0.1:8080/a"), {
        endpoint: "http://127.0.0.1:8080",
        token: TOKEN,
      }),
    ).toBe(BEARER);
  });
});
