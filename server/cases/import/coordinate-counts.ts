/** The coordinates that hold at least the stacked minimum of a file's cases, as parallel arrays (CoordinateCounts.atLeast). */
export interface CoordinateStacks {
  lon: number[]; lat: number[]; cases: number[]
  /** for a new dataset's rows written straight into `cases`: the ids of those written unflagged at these coordinates (read.ts) */
  unflagged?: string[]
}

/**
 * How many of an import's cases each exact coordinate holds so far (case import, load.ts).
 *
 * Written here rather than with a Map because it runs once per case while a file is read: a Map
 * keyed by coordinates boxes every double it stores and hashes it through the heap, and its cost
 * showed as a tenth of reading a city's export. This open-addressing table keeps the keys in one
 * Float64Array and the counts in one Int32Array, so counting a case allocates nothing.
 */
export class CoordinateCounts {
  private keys = new Float64Array(2 * 1024)
  private counts = new Int32Array(1024)
  /** each coordinate's number: 0, 1, 2 … in the order first counted */
  private numbers = new Int32Array(1024)
  private mask = 1023
  private size = 0
  /** the number of the coordinate counted last (see add) */
  lastPoint = -1
  private static readonly bits = new Uint32Array(new Float64Array(1).buffer)
  private static readonly word = new Float64Array(CoordinateCounts.bits.buffer)

  /** how many distinct coordinates were counted */
  get points(): number { return this.size }

  /** counts one more case at lon/lat; returns the coordinate's count, and sets lastPoint to its number */
  add(lon: number, lat: number): number {
    // +0 for -0: the database compares them equal, so must the table
    lon += 0
    lat += 0
    let i = this.slot(lon, lat)
    while (this.counts[i] !== 0) {
      if (this.keys[2 * i] === lon && this.keys[2 * i + 1] === lat) {
        this.lastPoint = this.numbers[i]
        return ++this.counts[i]
      }
      i = (i + 1) & this.mask
    }
    this.keys[2 * i] = lon
    this.keys[2 * i + 1] = lat
    this.counts[i] = 1
    this.numbers[i] = this.lastPoint = this.size
    if (++this.size * 2 > this.mask) this.grow()
    return 1
  }

  /** the coordinates holding at least `min` cases, as parallel arrays */
  atLeast(min: number): CoordinateStacks {
    const out: CoordinateStacks = { lon: [], lat: [], cases: [] }
    for (let i = 0; i <= this.mask; i++) {
      if (this.counts[i] < Math.max(1, min)) continue
      out.lon.push(this.keys[2 * i])
      out.lat.push(this.keys[2 * i + 1])
      out.cases.push(this.counts[i])
    }
    return out
  }

  /** the first slot to probe for a coordinate: its bits mixed (multiply-xorshift) */
  private slot(lon: number, lat: number): number {
    const { bits, word } = CoordinateCounts
    word[0] = lon
    let h = Math.imul(bits[0] ^ Math.imul(bits[1], 0x9e3779b1), 0x85ebca6b)
    word[0] = lat
    h = Math.imul(h ^ bits[0] ^ (h >>> 15), 0xc2b2ae35) ^ Math.imul(bits[1], 0x27d4eb2f)
    return (h ^ (h >>> 16)) & this.mask
  }

  private grow(): void {
    const { keys, counts, numbers } = this
    this.mask = 2 * this.mask + 1
    this.keys = new Float64Array(2 * (this.mask + 1))
    this.counts = new Int32Array(this.mask + 1)
    this.numbers = new Int32Array(this.mask + 1)
    for (let j = 0; j < counts.length; j++) {
      if (counts[j] === 0) continue
      let i = this.slot(keys[2 * j], keys[2 * j + 1])
      while (this.counts[i] !== 0) i = (i + 1) & this.mask
      this.keys[2 * i] = keys[2 * j]
      this.keys[2 * i + 1] = keys[2 * j + 1]
      this.counts[i] = counts[j]
      this.numbers[i] = numbers[j]
    }
  }
}
