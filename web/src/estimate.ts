/** Time left for long work, from its pace so far (no DOM: unit-tested under Node). */
/** "about 2 min left", from the pace so far; nothing until there is a pace to go by. */
export function estimate(done: number, total: number, elapsedMs: number): string {
  if (done <= 0 || total <= done || elapsedMs <= 0) return '';
  const seconds = Math.ceil(((total - done) * elapsedMs) / done / 1000);
  return seconds < 60 ? ` · about ${seconds} s left` : ` · about ${Math.ceil(seconds / 60)} min left`;
}
