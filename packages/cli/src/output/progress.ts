import { OutputStream } from '../io';

/**
 * A progress line on stderr while `idp` waits. On a terminal the line is
 * rewritten in place; in a log (not a TTY) a line is written each time
 * what it says changes, so CI logs show each step once.
 */
export class Progress {
  readonly #stream: OutputStream;
  #last = '';
  #live = false;

  constructor(stream: OutputStream) {
    this.#stream = stream;
  }

  update(text: string, elapsed?: string): void {
    if (this.#stream.isTTY) {
      const line = elapsed ? `${text} (${elapsed})` : text;
      this.#stream.write(`\r\u001b[2K${line}`);
      this.#live = true;
    } else if (text !== this.#last) {
      this.#stream.write(`${text}\n`);
    }
    this.#last = text;
  }

  /** Ends the live line, leaving `text` as its last word. */
  done(text?: string): void {
    if (this.#live) {
      this.#stream.write(`\r\u001b[2K${text ?? this.#last}\n`);
      this.#live = false;
    } else if (text && text !== this.#last) {
      this.#stream.write(`${text}\n`);
    }
    this.#last = '';
  }
}
