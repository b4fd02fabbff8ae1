import { Command } from "commander";
import { type DeviceVerification, runDeviceFlow } from "../../../auth/device-flow.js";
import { type LoginResult, loginWithToken } from "../../../auth/login.js";
import { OAuthError } from "../../../auth/oauth-error.js";
import {
  cleanToken,
  describeTokenSource,
  resolveToken,
  type TokenSource,
} from "../../../auth/resolve-token.js";
import { HfUsageError } from "../../../errors.js";
import type { CliContext } from "../../context.js";
import type { View } from "../../exporter.js";
import { createDeviceCodeDisplay } from "../../progress.js";
import { isInteractive, readAllStdin, reportGitHelpers, shadowingVariable, warner } from "./auth-shared.js";

export interface LoginCommandOptions {
  /** A token, or "-" to read it from stdin. */
  token?: string | undefined;
  addToGitCredential?: boolean | undefined;
  force?: boolean | undefined;
}

/**
 * `hf auth login [--token T|-] [--add-to-git-credential] [--force]` (Python `cli/auth.py::auth_login`
 * + `_login.py::login`): with a token, validate it (whoami-v2) and save it; without one, ask on a
 * terminal (browser code or pasted token), else run the device-code flow.
 */
export function createCommand(ctx: CliContext): Command {
  return new Command("login")
    .description("Log in: save a token (validated first) or get one with your browser (device code)")
    .option(
      "--token <token>",
      "an access token; '-' reads it from stdin (keeps it out of shell history and ps)",
    )
    .option("--add-to-git-credential", "also store the token in your git credential helper")
    .option("--no-add-to-git-credential", "do not store the token in git (default)")
    .option("--force", "log in again even if a token is already found")
    .option("--no-force", "skip when already logged in (default)")
    .addHelpText(
      "after",
      '\nExamples:\n  hf auth login\n  echo "$MY_TOKEN" | hf auth login --token -\n  hf auth login --token - --add-to-git-credential < token.txt',
    )
    .action((opts: LoginCommandOptions) => run(ctx, opts));
}

export async function run(ctx: CliContext, opts: LoginCommandOptions): Promise<void> {
  const { out } = ctx;
  if (opts.token !== undefined) {
    let raw = opts.token;
    let source: TokenSource = { kind: "argument", label: "--token argument" };
    if (raw === "-") {
      if (ctx.stdin.isTTY) {
        throw new HfUsageError("--token - reads the token from stdin, but stdin is a terminal.", {
          remedy: 'echo "$MY_TOKEN" | hf auth login --token -   (or run `hf auth login` to paste it hidden)',
        });
      }
      raw = await readAllStdin(ctx);
      source = { kind: "argument", label: "token read from stdin" };
    }
    if (cleanToken(raw) === undefined) {
      throw new HfUsageError(`The ${describeTokenSource(source)} is empty.`, {
        remedy: "hf auth login --token -  (with the token on stdin)",
      });
    }
    const result = await loginWithToken({
      config: ctx.config,
      token: raw,
      addToGitCredential: opts.addToGitCredential,
      tokenSource: source,
      cwd: ctx.cwd,
    });
    await report(ctx, result);
    return;
  }

  if (!opts.force) {
    const existing = await resolveToken({ token: true, onWarning: warner(ctx), config: ctx.config });
    if (existing) {
      ctx.exporter.write(alreadyLoggedInView, describeTokenSource(existing.source));
      return;
    }
  }
  if (opts.addToGitCredential) {
    out.warn(
      "--add-to-git-credential is only supported with --token; it is ignored by the browser login (as in Python).",
    );
  }

  if (isInteractive(ctx)) {
    const { select, password } = await import("@inquirer/prompts");
    const io = { input: ctx.stdin, output: out.stdout } as never;
    const how = await select(
      {
        message: "How would you like to log in?",
        choices: [
          { name: "Log in with your browser (device code)", value: "browser" },
          { name: "Paste an access token", value: "paste" },
        ],
      },
      io,
    );
    if (how === "paste") {
      out.info(`    Create a token at ${ctx.config.endpoint}/settings/tokens`);
      const pasted = await password(
        { message: "Enter your token (input will not be visible):", mask: false },
        io,
      );
      if (cleanToken(pasted) === undefined)
        throw new HfUsageError("No token was entered.", { remedy: "hf auth login" });
      const result = await loginWithToken({
        config: ctx.config,
        token: pasted,
        tokenSource: { kind: "argument", label: "pasted token" },
        cwd: ctx.cwd,
      });
      await report(ctx, result);
      return;
    }
  }
  await deviceLogin(ctx);
}

/** The browser (device-code) login: shows the URL and code, waits (bounded by the code's expiry). */
async function deviceLogin(ctx: CliContext): Promise<void> {
  const { out } = ctx;
  const display = createDeviceCodeDisplay(ctx);
  try {
    const tokens = await runDeviceFlow({
      config: ctx.config,
      onVerification: (v: DeviceVerification) => display.verification(v),
      onState: (s) => display.state(s.state),
    });
    display.done();
    // Python's `_save_oauth_token`: `int(time.time()) + expires_in`, taken when the token arrives.
    const expiresAt =
      tokens.expiresIn !== undefined ? Math.floor(Date.now() / 1000) + tokens.expiresIn : undefined;
    const result = await loginWithToken({
      config: ctx.config,
      token: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresAt,
      tokenSource: { kind: "argument", label: "device-code login" },
      cwd: ctx.cwd,
    });
    await report(ctx, result);
    if (tokens.refresh_token) out.info("Note: This token will be refreshed automatically when it expires.");
    else if (tokens.expiresIn !== undefined) {
      out.info(
        `Note: This token expires in ${Math.max(1, Math.floor(tokens.expiresIn / 86400))} days. Log in again to renew it.`,
      );
    }
  } catch (e) {
    display.failed(e);
    if (e instanceof OAuthError && !e.message.startsWith("Login failed")) {
      throw new OAuthError(`Login failed: ${e.message}`, e.oauthError, { cause: e, remedy: "hf auth login" });
    }
    throw e;
  }
}

/** A login that happened: who, which token, where it was saved, and what still overrides it. */
export interface LoginReport {
  user: string;
  tokenName: string;
  role: string | undefined;
  tokenPath: string;
  gitHelpers: string[] | undefined;
  /** The environment variable that still wins over the saved token. */
  shadowedBy: string | undefined;
}

export const loginView: View<LoginReport> = {
  json: (r) => ({
    event: "success",
    user: r.user,
    token_name: r.tokenName,
    role: r.role ?? null,
    token_path: r.tokenPath,
    git_helpers: r.gitHelpers ?? null,
    shadowed_by: r.shadowedBy ?? null,
  }),
  quiet: (r) => r.user,
  human: (r) =>
    `Login successful: logged in as ${r.user} (token '${r.tokenName}'${r.role ? `, role ${r.role}` : ""}).`,
};

const alreadyLoggedIn = (where: string) =>
  `Already logged in (token from ${where}). Use \`hf auth login --force\` to log in again.`;

/** Nothing to do: a token is already found (its source). Printed in quiet mode too. */
const alreadyLoggedInView: View<string> = {
  json: (where) => ({ event: "already_logged_in", source: where }),
  human: alreadyLoggedIn,
  quiet: alreadyLoggedIn,
};

async function report(ctx: CliContext, r: LoginResult): Promise<void> {
  const { out, config } = ctx;
  out.info(r.role ? `Token is valid (permission: ${r.role}).` : "Token is valid.");
  out.info(`The token \`${r.tokenName}\` has been saved to ${config.storedTokensPath}`);
  if (r.gitHelpers !== undefined) reportGitHelpers(ctx, r.gitHelpers);
  out.info(`Your token has been saved to ${config.tokenPath}`);
  const shadow = await shadowingVariable(ctx);
  ctx.exporter.write(loginView, {
    user: r.info.name,
    tokenName: r.tokenName,
    role: r.role,
    tokenPath: config.tokenPath,
    gitHelpers: r.gitHelpers,
    shadowedBy: shadow,
  });
  if (shadow) {
    out.warn(
      `${shadow} is set and is still the active token: it takes precedence over the token you just saved. Unset it to use the saved login: unset ${shadow}`,
    );
  }
}
