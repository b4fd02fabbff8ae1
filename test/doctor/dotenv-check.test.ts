import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkDotEnv } from "../../src/doctor/dotenv-check.js";
import { type Sandbox, sandbox } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(() => sb.cleanup());

const TOKEN = "hf_dotenvToken000000000000000000000000000";

describe("checkDotEnv", () => {
  it("skips without a .env", async () => {
    expect((await checkDotEnv(sb.ctx())).status).toBe("skip");
  });

  it("a token in a .env git would commit fails, with the .gitignore line; ignoring it makes it ok", async () => {
    sb.git(["init", "-q"]);
    await sb.write(".env", `HF_TOKEN=${TOKEN}\n`);
    const r = await checkDotEnv(sb.ctx());
    expect(r.status).toBe("fail");
    expect(r.message).toContain("holds HF_TOKEN");
    expect(r.remedy).toMatch(/^echo '\/\.env' >> .*\.gitignore$/);
    expect(JSON.stringify(r)).not.toContain(TOKEN);
    await sb.write(".gitignore", "/.env\n");
    expect((await checkDotEnv(sb.ctx())).status).toBe("ok");
  });

  it("a tracked .env with a token fails and says to untrack it and rotate the token", async () => {
    sb.git(["init", "-q"]);
    await sb.write(".env", `HUGGING_FACE_HUB_TOKEN=${TOKEN}\n`);
    sb.git(["add", ".env"]);
    const r = await checkDotEnv(sb.ctx());
    expect(r.status).toBe("fail");
    expect(r.remedy).toContain("git rm --cached .env");
    expect(r.remedy).toContain("rotate");
  });

  it("a .env without a token that git would commit is only a warning", async () => {
    sb.git(["init", "-q"]);
    await sb.write(".env", "HF_HUB_OFFLINE=1\n");
    expect((await checkDotEnv(sb.ctx())).status).toBe("warn");
  });

  it("outside git, a .env with a token is ok (nothing would commit it)", async () => {
    await sb.write(".env", `HF_TOKEN=${TOKEN}\n`);
    expect((await checkDotEnv(sb.ctx())).status).toBe("ok");
  });
});

describe("checkDotEnv with other variable names", () => {
  it("any variable whose value looks like a Hub token counts (HUGGINGFACEHUB_API_TOKEN)", async () => {
    sb.git(["init", "-q"]);
    await sb.write(".env", `OPENAI_KEY=sk-x\nHUGGINGFACEHUB_API_TOKEN=${TOKEN}\n`);
    const r = await checkDotEnv(sb.ctx());
    expect(r).toMatchObject({
      status: "fail",
      message: expect.stringContaining("holds HUGGINGFACEHUB_API_TOKEN"),
    });
  });
});
