/** Where output goes: `process.stdout`/`stderr`, or a buffer in tests. */
export type OutputStream = {
  write(chunk: string): unknown;
  /** A terminal: tables fit its width, colours and a live progress line are used. */
  isTTY?: boolean;
  columns?: number;
};

/**
 * Everything `idp` reads from and writes to outside its arguments, so that it
 * runs the same as a binary and inside a test.
 */
export type CliIo = {
  stdout: OutputStream;
  stderr: OutputStream;
  /** The environment variables (`IDP_BACKEND_URL`, `IDP_TOKEN`, `NO_COLOR`, `XDG_CONFIG_HOME`, `HOME`). */
  env: Record<string, string | undefined>;
  /** Ends a followed log or a wait early: Ctrl-C for the binary. */
  signal?: AbortSignal;
  /** How often a wait polls; 1 second unless set (tests set it shorter). */
  pollIntervalMs?: number;
  /** Opens a URL in the user's browser; `idp login` calls it unless --no-browser. */
  openBrowser?: (url: string) => void;
  /** The port of the login's local callback server; 8055, the port the backend's CLI client document registers. */
  callbackPort?: number;
};
