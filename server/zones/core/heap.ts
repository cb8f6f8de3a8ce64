/**
 * Binary min-heap of (key, value) pairs on growable typed arrays, for region growing. Equal keys pop
 * the smaller value first, so the order never depends on insertion history.
 */
export class MinHeap {
  private keys: Float64Array
  private values: Int32Array
  size = 0

  constructor(capacity = 16) {
    this.keys = new Float64Array(Math.max(1, capacity))
    this.values = new Int32Array(Math.max(1, capacity))
  }

  push(key: number, value: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2)
      const values = new Int32Array(this.size * 2)
      keys.set(this.keys)
      values.set(this.values)
      this.keys = keys
      this.values = values
    }
    let i = this.size++
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(key, value, this.keys[p], this.values[p])) break
      this.keys[i] = this.keys[p]
      this.values[i] = this.values[p]
      i = p
    }
    this.keys[i] = key
    this.values[i] = value
  }

  /** Key of the top pair (undefined when empty). */
  peekKey(): number | undefined {
    return this.size ? this.keys[0] : undefined
  }

  /** Removes the pair with the smallest key and returns its value (−1 when empty). */
  pop(): number {
    if (!this.size) return -1
    const top = this.values[0]
    const last = --this.size
    const key = this.keys[last]
    const value = this.values[last]
    let i = 0
    while (true) {
      let c = 2 * i + 1
      if (c >= last) break
      if (c + 1 < last && this.less(this.keys[c + 1], this.values[c + 1], this.keys[c], this.values[c])) c++
      if (!this.less(this.keys[c], this.values[c], key, value)) break
      this.keys[i] = this.keys[c]
      this.values[i] = this.values[c]
      i = c
    }
    this.keys[i] = key
    this.values[i] = value
    return top
  }

  private less(k1: number, v1: number, k2: number, v2: number): boolean {
    return k1 < k2 || (k1 === k2 && v1 < v2)
  }
}
