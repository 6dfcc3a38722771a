// One pending timeout that a new call replaces. A "✓ 已保存" tick is hidden 2.5 s after the
// *last* save: with a plain setTimeout per save, the first save's timer hid the tick of a second
// save made within those 2.5 s almost at once.

/** A scheduler whose every call cancels the call scheduled before it. */
export function restartable(): (fn: () => void, ms: number) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (fn, ms) => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
