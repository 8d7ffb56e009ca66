import type { OptionDoc } from "./option-docs.js";

/**
 * A bash-completion script for one command, made from its option table: the option names after
 * a dash, the command's own words (cl_status's sub-commands, hb_standby's sets) otherwise, and
 * file names for everything else (-x FILE and the like).
 */
export function bashCompletion(command: string, options: OptionDoc[], words: string[] = []): string {
  const fn = `_hbx_${command.replace(/[^A-Za-z0-9_]/g, "_")}`;
  const names = options
    .flatMap((o) => o.names)
    .filter((n) => /^-[-A-Za-z0-9]/.test(n))
    .map((n) => n.replace(/[^-A-Za-z0-9_]/g, ""))
    .join(" ");
  return [
    `# bash completion for ${command}, generated from its option table by hbx's package build`,
    `${fn}() {`,
    `  local cur="\${COMP_WORDS[COMP_CWORD]}"`,
    `  if [[ "$cur" == -* ]]; then`,
    `    mapfile -t COMPREPLY < <(compgen -W "${names}" -- "$cur")`,
    ...(words.length > 0
      ? [`  else`, `    mapfile -t COMPREPLY < <(compgen -W "${words.join(" ")}" -- "$cur")`]
      : []),
    `  fi`,
    `}`,
    `complete -o default -F ${fn} ${command}`,
    "",
  ].join("\n");
}
