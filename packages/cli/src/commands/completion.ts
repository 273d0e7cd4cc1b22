import { Command } from 'commander';
import { CliError, EXIT } from '../exitCodes';
import { Runtime, withExamples } from './define';

type Node = { path: string; words: string[] };

function commandTree(command: Command, path = ''): Node[] {
  const words = [
    ...command.commands.flatMap(sub => [sub.name(), ...sub.aliases()]),
    ...command.options.flatMap(option =>
      [option.long, option.short].filter((flag): flag is string =>
        Boolean(flag),
      ),
    ),
    '--help',
  ];
  return [
    { path, words },
    ...command.commands.flatMap(sub =>
      [sub.name(), ...sub.aliases()].flatMap(name =>
        commandTree(sub, path ? `${path} ${name}` : name),
      ),
    ),
  ];
}

/** A bash completion function generated from the command tree, so it never drifts from it. */
export function bashCompletion(program: Command): string {
  const nodes = commandTree(program);
  const globals = program.options.flatMap(option =>
    [option.long, option.short].filter(Boolean),
  );
  const paths = nodes.filter(node => node.path).map(node => `"${node.path}"`);
  return `# idp completion for bash: eval "$(idp completion bash)", or save it in
# ~/.local/share/bash-completion/completions/idp
_idp_completion() {
  local cur prev path word candidate i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    -o|--output) COMPREPLY=( $(compgen -W "table json yaml" -- "$cur") ); return ;;
    --status) COMPREPLY=( $(compgen -W "requested provisioning ready failed deleting" -- "$cur") ); return ;;
    --for) COMPREPLY=( $(compgen -W "ready deleted" -- "$cur") ); return ;;
  esac
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    candidate="\${path:+$path }$word"
    case "$candidate" in
      ${paths.join('|')}) path="$candidate" ;;
    esac
  done
  local words
  case "$path" in
${nodes
  .map(
    node =>
      `    "${node.path}") words="${[
        ...new Set([...node.words, ...(node.path ? globals : [])]),
      ].join(' ')}" ;;`,
  )
  .join('\n')}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _idp_completion idp
`;
}

/** zsh runs the bash function through bashcompinit. */
export function zshCompletion(program: Command): string {
  return `#compdef idp
# idp completion for zsh: eval "$(idp completion zsh)" in ~/.zshrc
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program)}`;
}

export function registerCompletionCommand(program: Command, _runtime: Runtime) {
  withExamples(
    program
      .command('completion')
      .description('print a shell completion script for bash or zsh')
      .argument('<shell>', 'bash or zsh'),
    [
      'eval "$(idp completion bash)"     # in ~/.bashrc',
      'eval "$(idp completion zsh)"      # in ~/.zshrc',
      'idp completion bash > ~/.local/share/bash-completion/completions/idp',
    ],
  ).action((shell: string, _options, command: Command) => {
    const root = command.parent!;
    const write = (text: string) => root.configureOutput().writeOut!(text);
    if (shell === 'bash') write(bashCompletion(root));
    else if (shell === 'zsh') write(zshCompletion(root));
    else {
      throw new CliError(
        `shell must be one of: bash, zsh (got "${shell}")`,
        EXIT.invalid,
      );
    }
  });
}
