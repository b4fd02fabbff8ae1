import type { Command } from "commander";
import type { CliContext } from "./context.js";

/** What a command module exports: a factory for its commander command, whose action calls `run`. */
export interface CommandModule {
  createCommand(ctx: CliContext): Command;
}

export interface CommandEntry {
  /** Words after `hf`, e.g. "auth login". */
  path: string;
  summary: string;
  /** Other spellings that run the same module, e.g. "login" for "auth login". */
  aliases?: string[];
  load(): Promise<CommandModule>;
}

/**
 * Every command, loaded lazily: start-up imports this list only, and the chosen command's module
 * (and its dependencies) is imported when it runs. One line per command; one file per command.
 */
export const COMMANDS: CommandEntry[] = [
  {
    path: "serve",
    summary: "Run a local Hugging Face Hub (for tests and demos, no internet needed)",
    load: () => import("./commands/serve.js"),
  },
  {
    path: "download",
    summary: "Download files from the Hub into the cache (or a local folder)",
    load: () => import("./commands/download.js"),
  },
  {
    path: "auth login",
    summary: "Log in: save a validated token, or get one with your browser (device code)",
    aliases: ["login"],
    load: () => import("./commands/auth/login.js"),
  },
  {
    path: "auth logout",
    summary: "Log out: remove the saved token(s) and the git credential",
    aliases: ["logout"],
    load: () => import("./commands/auth/logout.js"),
  },
  {
    path: "auth whoami",
    summary: "Show who you are, the token's name and role, and where it comes from",
    aliases: ["whoami"],
    load: () => import("./commands/auth/whoami.js"),
  },
  {
    path: "auth list",
    summary: "List saved tokens (masked), marking the active one",
    aliases: ["auth ls"],
    load: () => import("./commands/auth/list.js"),
  },
  {
    path: "auth switch",
    summary: "Make a saved token the active one",
    load: () => import("./commands/auth/switch.js"),
  },
  {
    path: "auth token",
    summary: "Print the active token (for scripts)",
    load: () => import("./commands/auth/token.js"),
  },
  {
    path: "env",
    summary: "Print the environment: versions, paths, endpoint, HF_* settings, token source",
    load: () => import("./commands/env.js"),
  },
  {
    path: "doctor",
    summary: "Check install, token, git credentials, cache, network, leaks and repo access",
    load: () => import("./commands/doctor.js"),
  },
  {
    path: "cache ls",
    summary: "List cached repositories or revisions (sizes, ages, refs)",
    aliases: ["cache list"],
    load: () => import("./commands/cache/ls.js"),
  },
  {
    path: "cache rm",
    summary: "Remove cached repositories, revisions or files (plan, confirm, delete)",
    load: () => import("./commands/cache/rm.js"),
  },
  {
    path: "cache prune",
    summary: "Remove detached revisions and stale incomplete downloads",
    load: () => import("./commands/cache/prune.js"),
  },
  {
    path: "cache verify",
    summary: "Check the checksums of a cached revision or a local-dir download",
    load: () => import("./commands/cache/verify.js"),
  },
  {
    path: "scan-cache",
    summary: "Legacy name of 'hf cache ls'",
    load: () => import("./commands/scan-cache.js"),
  },
  {
    path: "delete-cache",
    summary: "Legacy name of 'hf cache rm' (targets on the command line)",
    load: () => import("./commands/delete-cache.js"),
  },
  {
    path: "completion",
    summary: "Print a shell completion script (bash or zsh)",
    load: () => import("./commands/completion.js"),
  },
];

/** Top-level groups shown in `hf --help`, with their summaries. */
export const GROUPS: Record<string, string> = {
  auth: "Log in, log out, see who you are, manage saved tokens",
  cache: "List, remove, prune and verify the local cache",
};

export interface Match {
  entry: CommandEntry;
  /** The words that selected it (the path or an alias). */
  words: string[];
  rest: string[];
}

/** Finds the command named by the leading words of `args` (longest match wins). */
export function findCommand(args: string[], commands: CommandEntry[] = COMMANDS): Match | undefined {
  let best: Match | undefined;
  for (const entry of commands) {
    for (const name of [entry.path, ...(entry.aliases ?? [])]) {
      const words = name.split(" ");
      if (words.every((w, i) => args[i] === w) && (!best || words.length > best.words.length)) {
        best = { entry, words, rest: args.slice(words.length) };
      }
    }
  }
  return best;
}
