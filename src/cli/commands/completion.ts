import { Argument, type Command } from "commander";
import type { CommandContext } from "../context.js";
import { examples } from "../help.js";

export type Shell = "bash" | "zsh" | "fish";
export const SHELLS: Shell[] = ["bash", "zsh", "fish"];

interface CommandWords {
  name: string;
  description: string;
  options: string[];
  /** Option → its fixed choices (e.g. --role uploader viewer admin). */
  choices: Record<string, string[]>;
}

function wordsOf(program: Command): { globals: string[]; commands: CommandWords[] } {
  const longs = (cmd: Command) =>
    cmd.options.map((o) => o.long).filter((l): l is string => l !== undefined);
  return {
    globals: [...longs(program), "--help", "--version"],
    commands: program.commands.map((cmd) => ({
      name: cmd.name(),
      description: cmd.description().split(/[;(]/)[0]?.trim() ?? "",
      options: [...longs(cmd), "--help"],
      choices: Object.fromEntries(
        cmd.options
          .filter((o) => o.long !== undefined && o.argChoices !== undefined)
          .map((o) => [o.long as string, o.argChoices as string[]]),
      ),
    })),
  };
}

/** A completion script for `shell`, generated from the program's own commands and options. */
export function completionScript(shell: Shell, program: Command): string {
  const { globals, commands } = wordsOf(program);
  const names = commands.map((c) => c.name);
  if (shell === "bash") {
    const cases = commands
      .map((c) => {
        const choice = Object.entries(c.choices)
          .map(
            ([opt, values]) =>
              `        ${opt}) COMPREPLY=($(compgen -W "${values.join(" ")}" -- "$cur")); return ;;`,
          )
          .join("\n");
        return `    ${c.name})\n      case "$prev" in\n${choice}\n      esac\n      COMPREPLY=($(compgen -W "${[...c.options, ...globals].join(" ")}" -- "$cur")) ;;`;
      })
      .join("\n");
    return `# bash completion for strongbox (strongbox completion bash)
_strongbox() {
  local cur prev cmd i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "${[...names, ...globals].join(" ")}" -- "$cur"))
    return
  fi
  if [[ "$cur" != -* ]]; then
    case "$cmd" in
      upload|configure) COMPREPLY=($(compgen -f -- "$cur")); return ;;
      completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); return ;;
    esac
  fi
  case "$cmd" in
${cases}
  esac
}
complete -o default -F _strongbox strongbox
`;
  }
  if (shell === "zsh") {
    const list = commands
      .map((c) => `    '${c.name}:${c.description.replace(/'/g, "'\\''").replace(/:/g, "\\:")}'`)
      .join("\n");
    const cases = commands
      .map(
        (c) =>
          `    ${c.name}) _values -w 'option' ${[...c.options, ...globals].map((o) => `'${o}'`).join(" ")} ;;`,
      )
      .join("\n");
    return `#compdef strongbox
# zsh completion for strongbox (strongbox completion zsh)
_strongbox() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  if [[ $words[CURRENT] != -* ]]; then
    _files
    return
  fi
  case $words[2] in
${cases}
  esac
}
compdef _strongbox strongbox
`;
  }
  const lines = [
    "# fish completion for strongbox (strongbox completion fish)",
    "complete -c strongbox -f",
    ...commands.map(
      (c) =>
        `complete -c strongbox -n __fish_use_subcommand -a ${c.name} -d '${c.description.replace(/'/g, "\\'")}'`,
    ),
    ...globals.map((g) => `complete -c strongbox -l ${g.slice(2)}`),
    ...commands.flatMap((c) =>
      c.options.map((o) => {
        const values = c.choices[o];
        return `complete -c strongbox -n '__fish_seen_subcommand_from ${c.name}' -l ${o.slice(2)}${values === undefined ? "" : ` -x -a '${values.join(" ")}'`}`;
      }),
    ),
    "complete -c strongbox -n '__fish_seen_subcommand_from upload configure' -F",
    "complete -c strongbox -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'",
  ];
  return `${lines.join("\n")}\n`;
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("completion")
    .description("print a shell completion script (bash, zsh or fish)")
    .addHelpText(
      "after",
      examples(
        "strongbox completion bash > ~/.local/share/bash-completion/completions/strongbox",
        "strongbox completion zsh > ~/.zfunc/_strongbox      # with fpath+=(~/.zfunc)",
        "strongbox completion fish > ~/.config/fish/completions/strongbox.fish",
      ),
    )
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(SHELLS))
    .action((shell: Shell, _raw: unknown, cmd: Command) =>
      ctx.run(cmd, {
        command: "completion",
        options: { shell },
        execute: async () => ({ shell, script: completionScript(shell, program) }),
        render: (r) => r.script,
      }),
    );
}
