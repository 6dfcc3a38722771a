// Asking the user to confirm a destructive action, in the app's own dialog: the browser's
// `window.confirm` shows a GTK box titled with the page's URL, in the system's language rather than
// the app's, and WebKitGTK's WebDriver cannot answer it in the end-to-end tests.

export interface ConfirmRequest {
  message: string;
  /** The label of the confirming button (e.g. "删除"), so the choice reads as an action. */
  action: string;
  danger: boolean;
}

interface Pending extends ConfirmRequest {
  resolve: (yes: boolean) => void;
}

class ConfirmState {
  pending = $state<Pending | null>(null);

  /** Resolves `true` when confirmed, `false` when cancelled (or replaced by another question). */
  ask(message: string, { action, danger = true }: { action: string; danger?: boolean }): Promise<boolean> {
    this.pending?.resolve(false);
    return new Promise((resolve) => {
      this.pending = { message, action, danger, resolve };
    });
  }

  answer(yes: boolean): void {
    const p = this.pending;
    this.pending = null;
    p?.resolve(yes);
  }
}

export const confirmation = new ConfirmState();
export const ask = confirmation.ask.bind(confirmation);
