/**
 * A bounded min-heap of (score, slot): keeps the k best of a stream without
 * sorting the stream. Ties break on the caller's key so results do not depend on
 * slot layout (a compacted index and a fresh one return the same order).
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly slots: Int32Array;
  private size = 0;

  constructor(
    private readonly k: number,
    /** Orders equal scores: the smaller key wins. */
    private readonly tieKey: (slot: number) => string,
  ) {
    this.scores = new Float64Array(Math.max(1, k));
    this.slots = new Int32Array(Math.max(1, k));
  }

  /** True when (a) ranks below (b). */
  private worse(scoreA: number, slotA: number, scoreB: number, slotB: number): boolean {
    if (scoreA !== scoreB) return scoreA < scoreB;
    return this.tieKey(slotA) > this.tieKey(slotB);
  }

  push(score: number, slot: number): void {
    if (this.k <= 0) return;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(score, slot, this.scores[parent], this.slots[parent])) break;
        this.scores[i] = this.scores[parent];
        this.slots[i] = this.slots[parent];
        i = parent;
      }
      this.scores[i] = score;
      this.slots[i] = slot;
      return;
    }
    // Full: only something better than the current worst (the root) gets in.
    if (score < this.scores[0]) return;
    if (!this.worse(this.scores[0], this.slots[0], score, slot)) return;
    this.siftDownFromRoot(score, slot);
  }

  private siftDownFromRoot(score: number, slot: number): void {
    let i = 0;
    const n = this.size;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.worse(this.scores[right], this.slots[right], this.scores[left], this.slots[left])) child = right;
      if (!this.worse(this.scores[child], this.slots[child], score, slot)) break;
      this.scores[i] = this.scores[child];
      this.slots[i] = this.slots[child];
      i = child;
    }
    this.scores[i] = score;
    this.slots[i] = slot;
  }

  /** Best first. */
  drain(): Array<{ slot: number; score: number }> {
    const out: Array<{ slot: number; score: number }> = [];
    for (let i = 0; i < this.size; i++) out.push({ slot: this.slots[i], score: this.scores[i] });
    out.sort((a, b) => (this.worse(a.score, a.slot, b.score, b.slot) ? 1 : -1));
    this.size = 0;
    return out;
  }
}
