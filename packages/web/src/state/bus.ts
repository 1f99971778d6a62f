/**
 * A tiny typed publish/subscribe that links the rooms without their importing each other (uPlot's
 * `sync.js` idea): the run session announces worker news, the store announces spec and state
 * changes, and the views and controls that care subscribe. Handlers run synchronously, in
 * subscription order, so a publisher knows everything has reacted when `emit` returns.
 */
export class Bus<Topics extends { [K in keyof Topics]: unknown[] }> {
  private handlers: { [K in keyof Topics]?: ((...args: Topics[K]) => void)[] } = {};

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof Topics>(topic: K, handler: (...args: Topics[K]) => void): () => void {
    const list = (this.handlers[topic] ??= []);
    list.push(handler);
    return () => {
      const i = list.indexOf(handler);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<K extends keyof Topics>(topic: K, ...args: Topics[K]): void {
    for (const f of [...(this.handlers[topic] ?? [])]) f(...args);
  }
}
