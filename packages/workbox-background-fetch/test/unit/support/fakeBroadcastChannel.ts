/*
  An in-memory BroadcastChannel for Node unit tests: every channel of the
  same name but the sender gets a structured clone of each message, a
  microtask later. Node's own channels would keep the test process alive.
*/

/** A BroadcastChannel whose messages stay in this process. */
export class FakeBroadcastChannel extends EventTarget {
  /** Every channel not closed, of every name. */
  static readonly open = new Set<FakeBroadcastChannel>();
  readonly name: string;
  onmessage: ((event: MessageEvent) => void) | null = null;
  private _closed = false;

  constructor(name: string) {
    super();
    this.name = name;
    FakeBroadcastChannel.open.add(this);
  }

  postMessage(message: unknown): void {
    if (this._closed) {
      throw new DOMException('The channel is closed.', 'InvalidStateError');
    }
    for (const other of FakeBroadcastChannel.open) {
      if (other !== this && other.name === this.name) {
        const data = structuredClone(message);
        queueMicrotask(() => other._deliver(data));
      }
    }
  }

  close(): void {
    this._closed = true;
    FakeBroadcastChannel.open.delete(this);
  }

  /** Ends a test: no message reaches this channel any more, its own go nowhere. */
  static disconnectAll(): void {
    FakeBroadcastChannel.open.clear();
  }

  private _deliver(data: unknown): void {
    if (!FakeBroadcastChannel.open.has(this)) {
      return;
    }
    const event = new MessageEvent('message', {data});
    this.onmessage?.(event);
    this.dispatchEvent(event);
  }
}

/** Every message posted on channel `name` from now on (a page listening). */
export function listenOn(name: string): {messages: unknown[]; close(): void} {
  const channel = new FakeBroadcastChannel(name);
  const messages: unknown[] = [];
  channel.onmessage = (event) => messages.push(event.data);
  return {messages, close: () => channel.close()};
}
