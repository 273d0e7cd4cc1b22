# shellcheck shell=bash
# Sourced by ./platform: `./platform cli install|uninstall|path`, the idp command line
# (packages/cli). install bundles it with the repo's toolchain (Node.js 22, the workspace's
# esbuild) into one file that needs only Node.js 20 or later, and puts it on PATH as `idp`:
# ${IDP_CLI_DIR:-~/.local/bin}/idp. Run it again after pulling to update it.

IDP_CLI_DIR=${IDP_CLI_DIR:-$HOME/.local/bin}

cli_command() {
  case "${1:-}" in
    install)
      ensure_toolchain
      local bundle="$REPO_ROOT/packages/cli/dist/idp.cjs"
      log "Bundling idp (packages/cli)"
      (cd "$REPO_ROOT/packages/cli" && node scripts/bundle.mjs --outfile "$bundle" >/dev/null) ||
        die "bundling idp failed"
      mkdir -p "$IDP_CLI_DIR"
      install -m 0755 "$bundle" "$IDP_CLI_DIR/idp"
      log "Installed $IDP_CLI_DIR/idp ($("$IDP_CLI_DIR/idp" --version))"
      case ":$PATH:" in
        *":$IDP_CLI_DIR:"*) ;;
        *) log "$IDP_CLI_DIR is not on your PATH: add  export PATH=\"$IDP_CLI_DIR:\$PATH\"  to your shell's profile" ;;
      esac
      log "Shell completion: eval \"\$(idp completion bash)\" (or zsh) in your shell's rc file"
      ;;
    uninstall)
      rm -f "$IDP_CLI_DIR/idp"
      log "Removed $IDP_CLI_DIR/idp (your login stays in ${XDG_CONFIG_HOME:-$HOME/.config}/idp/)"
      ;;
    path)
      printf '%s\n' "$IDP_CLI_DIR/idp"
      ;;
    *)
      printf 'usage: ./platform cli install|uninstall|path   (IDP_CLI_DIR: where idp goes, default ~/.local/bin)\n' >&2
      exit 2
      ;;
  esac
}
