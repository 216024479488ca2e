/** The part of an MQTT client the outbox drives (MQTT.js's `MqttClient` has it). */
export interface PublishingClient {
  readonly connected: boolean;
  publish(topic: string, payload: string, options: { qos: 1; retain: boolean }, done: (err?: Error) => void): unknown;
}

/** Told what the outbox had to give up. */
export interface OutboxObserver {
  /** Events dropped, oldest first, because `maxQueued` were already waiting. */
  eventsDropped(count: number): void;
}

interface RetainedSlot {
  payload: string;
  /** The current payload was handed to the client (and not failed since). */
  sent: boolean;
  inFlight: boolean;
}

/**
 * What the server has to say over MQTT, held within fixed bounds so a slow
 * or absent broker never holds up counting:
 *
 * - Retained topics (state, availability, discovery) keep only their latest
 *   payload, one publish in flight per topic; all of them are sent again on
 *   every (re)connect, so a broker that lost them, or a new subscriber after
 *   a broker restart, gets the current picture.
 * - Events (QoS 1, not retained) wait in a queue of at most `maxQueued`,
 *   dropping the oldest; at most `window` are handed to the client at once.
 *   Those sit in MQTT.js's outgoing store until the broker acknowledges them,
 *   also across a disconnect: it resends its store on reconnect.
 *
 * So at most `maxQueued + window` events and one message per retained topic
 * are held, whatever the broker does.
 */
export class MqttOutbox {
  private readonly retained = new Map<string, RetainedSlot>();
  private readonly events: Array<{ topic: string; payload: string }> = [];
  private eventsInFlight = 0;
  private closed = false;

  constructor(
    private readonly client: PublishingClient,
    private readonly options: { readonly maxQueued: number; readonly window: number },
    private readonly observer: OutboxObserver,
  ) {}

  /** Sets a retained topic's payload; sent now if connected and it changed, else on connect. */
  setRetained(topic: string, payload: string): void {
    const slot = this.retained.get(topic);
    if (slot && slot.payload === payload) return;
    if (slot) {
      slot.payload = payload;
      slot.sent = false;
    } else {
      this.retained.set(topic, { payload, sent: false, inFlight: false });
    }
    this.pump();
  }

  /** Queues an event (QoS 1); the oldest waiting one is dropped when the queue is full. */
  addEvent(topic: string, payload: string): void {
    if (this.closed) return;
    this.events.push({ topic, payload });
    if (this.events.length > this.options.maxQueued) {
      const dropped = this.events.length - this.options.maxQueued;
      this.events.splice(0, dropped);
      this.observer.eventsDropped(dropped);
    }
    this.pump();
  }

  /** The client (re)connected: everything retained goes out again, then waiting events. */
  connected(): void {
    for (const slot of this.retained.values()) slot.sent = false;
    this.pump();
  }

  /** Events waiting and events handed to the client but not yet acknowledged. */
  get pending(): { queued: number; inFlight: number } {
    return { queued: this.events.length, inFlight: this.eventsInFlight };
  }

  /** Stops taking events (the server is stopping); retained topics may still be set. */
  close(): void {
    this.closed = true;
  }

  /** Resolves once nothing is in flight or queued, or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const busy = () => this.eventsInFlight > 0 || this.events.length > 0 || [...this.retained.values()].some((s) => s.inFlight || !s.sent);
    while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return !busy();
  }

  private pump(): void {
    // Retained messages only while connected: offline they would pile up in the client's store.
    if (this.client.connected) {
      for (const [topic, slot] of this.retained) {
        if (slot.sent || slot.inFlight) continue;
        const payload = slot.payload;
        slot.sent = true;
        slot.inFlight = true;
        this.client.publish(topic, payload, { qos: 1, retain: true }, (err) => {
          slot.inFlight = false;
          // A failure means the connection closed: connected() sends it again. Pumping now could loop.
          if (err) slot.sent = false;
          else if (!slot.sent) this.pump();
        });
      }
    }
    // Events also while offline, within the window: MQTT.js keeps them in its store until acknowledged.
    while (this.eventsInFlight < this.options.window && this.events.length > 0) {
      const { topic, payload } = this.events.shift()!;
      this.eventsInFlight++;
      this.client.publish(topic, payload, { qos: 1, retain: false }, (err) => {
        this.eventsInFlight--;
        // Only a client that is ending fails a QoS 1 publish (a lost connection keeps it stored).
        if (!err) this.pump();
      });
    }
  }
}
