import { Command } from "commander";
import { HfUsageError } from "../../errors.js";
import type { CliContext } from "../context.js";
import { plainView } from "../exporter.js";
import { COMMANDS } from "../registry.js";

/**
 * The words to complete after `hf` and after each group, from the command registry, so a new
 * command is completed without touching this file.
 */
export function completionWords(): Map<string, string[]> {
  const words = new Map<string, string[]>([["", []]]);
  const add = (key: string, w: string) => {
    const list = words.get(key) ?? [];
    if (!list.includes(w)) list.push(w);
    words.set(key, list);
  };
  for (const c of COMMANDS) {
    for (const name of [c.path, ...(c.aliases ?? [])]) {
      const parts = name.split(" ");
      add("", parts[0] as string);
      if (parts.length > 1) add(parts[0] as string, parts[1] as string);
    }
  }
  return words;
}

export function bashScript(bin: string): string {
  const words = completionWords();
  const cases = [...words.entries()]
    .filter(([k]) => k !== "")
    .map(([k, v]) => `      ${k}) COMPREPLY=( $(compgen -W "${v.join(" ")} --help" -- "$cur") ) ;;`)
    .join("\n");
  return `# bash completion for ${bin} (hubkit). Install: ${bin} completion bash > ~/.local/share/bash-completion/completions/${bin}
_${bin}_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${(words.get("") ?? []).join(" ")} --help --version" -- "$cur") )
    return
  fi
  if [ "$COMP_CWORD" -eq 2 ]; then
    case "\${COMP_WORDS[1]}" in
${cases}
      *) COMPREPLY=( $(compgen -f -- "$cur") ) ;;
    esac
    return
  fi
  COMPREPLY=( $(compgen -f -- "$cur") )
}
complete -o default -F _${bin}_complete ${bin}
`;
}

export function zshScript(bin: string): string {
  const words = completionWords();
  const groups = [...words.entries()]
    .filter(([k]) => k !== "")
    .map(([k, v]) => `    ${k}) compadd -- ${v.join(" ")} ;;`)
    .join("\n");
  return `#compdef ${bin}
# zsh completion for ${bin} (hubkit). Install: ${bin} completion zsh > "\${fpath[1]}/_${bin}"
_${bin}() {
  if (( CURRENT == 2 )); then
    compadd -- ${(words.get("") ?? []).join(" ")}
  elif (( CURRENT == 3 )); then
    case $words[2] in
${groups}
    *) _files ;;
    esac
  else
    _files
  fi
}
compdef _${bin} ${bin}
`;
}

export function createCommand(ctx: CliContext): Command {
  return new Command("completion")
    .description("Print a shell completion script (bash or zsh)")
    .argument("<shell>", "bash or zsh")
    .addHelpText(
      "after",
      '\nExamples:\n  hf completion bash > ~/.local/share/bash-completion/completions/hf\n  hf completion zsh > "${fpath[1]}/_hf"',
    )
    .action((shell: string) => {
      if (shell === "bash") ctx.exporter.write(plainView, bashScript("hf"));
      else if (shell === "zsh") ctx.exporter.write(plainView, zshScript("hf"));
      else
        throw new HfUsageError(`Unsupported shell '${shell}'.`, { remedy: "hf completion bash  (or zsh)" });
    });
}
