import { SignalApi } from '@backstage/plugin-signals-react';
import { JsonObject } from '@backstage/types';
import { act } from '@testing-library/react';

/** A signal API whose messages the test pushes itself. */
export class FakeSignalApi implements SignalApi {
  readonly #subscribers = new Map<string, Set<(message: JsonObject) => void>>();

  subscribe<TMessage extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: TMessage) => void,
  ) {
    const subscribers = this.#subscribers.get(channel) ?? new Set();
    const subscriber = onMessage as (message: JsonObject) => void;
    subscribers.add(subscriber);
    this.#subscribers.set(channel, subscribers);
    return { unsubscribe: () => subscribers.delete(subscriber) };
  }

  /** Delivers a message to every subscriber of the channel, as the backend would. */
  publish(channel: string, message: JsonObject) {
    act(() => {
      for (const subscriber of this.#subscribers.get(channel) ?? []) {
        subscriber(message);
      }
    });
  }
}
