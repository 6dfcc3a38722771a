// The running focus session as Rust reports it, for the screens that show it (the Focus screen
// and the overlay): polled every POLL_MS while a screen is mounted, and smoothed between two
// answers so the ring moves. Rust owns the time; this only interpolates a few hundred ms.
import { backend } from "./backend";
import type { FocusStatus, TimerView } from "./bindings";
import { POLL_MS, interpolate } from "./focus";

export class FocusFeed {
  status = $state<FocusStatus | null>(null);
  /** A failed poll; cleared by the next one that works (unlike an action's error). */
  pollError = $state<string | null>(null);
  /** When `status` arrived and the last redraw (performance.now()). */
  #statusAt = $state(0);
  #clock = $state(0);
  /** Answers older than the newest request are dropped (a slow poll must not undo a click). */
  #asked = 0;
  #polling = false;
  #onchange: (previous: FocusStatus | null, next: FocusStatus) => void;

  /** `onchange` sees every new status with the one before (e.g. to reload when one ends). */
  constructor(onchange: (previous: FocusStatus | null, next: FocusStatus) => void = () => {}) {
    this.#onchange = onchange;
  }

  /** The running session's view, advanced by the time since Rust answered. */
  get view(): TimerView | null {
    const running = this.status?.running;
    return running ? interpolate(running.view, this.#clock - this.#statusAt) : null;
  }

  /** A status returned by an action (start, pause, the exits): a poll in flight is dropped. */
  accept(next: FocusStatus): void {
    this.#asked++;
    this.#set(next);
  }

  async poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    const mine = ++this.#asked;
    const r = await backend.focusStatus();
    this.#polling = false;
    if (mine !== this.#asked) return;
    if (r.ok) {
      this.pollError = null;
      this.#set(r.value);
    } else this.pollError = r.error.message;
  }

  /** Polls now and every POLL_MS, redraws every `frameMs`; call the result to stop (onMount). */
  start(frameMs: number): () => void {
    void this.poll();
    const polls = setInterval(() => void this.poll(), POLL_MS);
    const frames = setInterval(() => (this.#clock = performance.now()), frameMs);
    return () => {
      clearInterval(polls);
      clearInterval(frames);
    };
  }

  #set(next: FocusStatus): void {
    const previous = this.status;
    this.status = next;
    this.#statusAt = performance.now();
    this.#clock = this.#statusAt;
    this.#onchange(previous, next);
  }
}
