/**
 * HDBSCAN (Campello, Moulavi & Sander 2013; McInnes, Healy & Astels 2017) over planar points:
 * density clusters without a single radius, for districts where one eps cannot fit both the
 * dense old town and the sparse edge. Steps: core distances from k nearest neighbours, minimum
 * spanning tree of the mutual reachability graph (Borůvka on a 2-d tree), single-linkage
 * hierarchy, condensed tree, excess-of-mass selection (hdbscan-tree.ts).
 */
import { buildKdTree, knn, mutualReachabilityMst } from './hdbscan-kdtree'
import { condenseTree, selectClusters, singleLinkage } from './hdbscan-tree'

/** Parameters of {@link hdbscan}. */
export interface HdbscanOptions {
  /**
   * The smallest group of cases worth calling a hotspot (≥ 2). Groups that split off below this
   * size are treated as cases drifting away from their cluster, not as new clusters. Raise it to
   * get fewer, larger hotspots (e.g. 20 for a district-level map, 5 for a street-level one).
   */
  minClusterSize: number
  /**
   * How many cases, the case itself included, must lie around a case for it to count as dense
   * (default: minClusterSize). It sets the distance scale: a case's core distance is the radius
   * holding minSamples cases. Higher values make the method more conservative: more cases end up
   * as noise and clusters shrink to denser centres. Counts the point itself, as DBSCAN's minPts,
   * scikit-learn's HDBSCAN and Campello et al. (the hdbscan package's min_samples is one less).
   */
  minSamples?: number
}

/** Result of {@link hdbscan}, point order. */
export interface HdbscanResult {
  /** cluster per point: -1 noise, else 0..clusters-1 */
  labels: Int32Array
  /** strength of membership, 0..1: 1 at the cluster's densest core, falling towards its fringe; 0 for noise */
  probabilities: Float64Array
  /** GLOSH outlier score, 0..1: how much sparser the point is than the densest part of its branch */
  outlierScores: Float64Array
  /** core distance per point: radius holding minSamples points, metres */
  coreDistances: Float64Array
  /** number of clusters */
  clusters: number
  /** stability (excess of mass) per cluster, label order; higher is a more persistent cluster */
  stabilities: Float64Array
}

/**
 * Hierarchical density clusters of planar points. Deterministic: the same input gives the same
 * labels (ties between equal distances are broken by point order inside the spatial index).
 * @param x  easting per point, metres (any metric CRS)
 * @param y  northing per point, metres
 */
export function hdbscan(x: Float64Array, y: Float64Array, options: HdbscanOptions): HdbscanResult {
  const n = x.length
  const { minClusterSize } = options
  const minSamples = options.minSamples ?? minClusterSize
  if (y.length !== n) throw new RangeError(`x and y differ in length: ${n} and ${y.length}.`)
  if (!Number.isInteger(minClusterSize) || minClusterSize < 2) throw new RangeError(`Unexpected minClusterSize value: ${minClusterSize} (integer ≥ 2).`)
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new RangeError(`Unexpected minSamples value: ${minSamples} (integer ≥ 1, the point itself counts).`)
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new RangeError(`Point ${i} has a non-finite coordinate: (${x[i]}, ${y[i]}).`)
  }
  if (n < minClusterSize) {
    return {
      labels: new Int32Array(n).fill(-1),
      probabilities: new Float64Array(n),
      outlierScores: new Float64Array(n),
      coreDistances: new Float64Array(n).fill(Infinity),
      clusters: 0,
      stabilities: new Float64Array(0),
    }
  }

  const tree = buildKdTree(x, y)
  // fewer points than minSamples: the farthest point bounds every core distance
  const k = Math.min(minSamples, n)
  const { dist2, nn } = knn(tree, k)
  const core2 = new Float64Array(n)
  for (let s = 0; s < n; s++) core2[s] = dist2[s * k + k - 1]
  const mst = mutualReachabilityMst(tree, core2, nn, k)

  // from tree positions back to point ids for the hierarchy
  const a = new Int32Array(n - 1)
  const b = new Int32Array(n - 1)
  for (let e = 0; e < n - 1; e++) {
    a[e] = tree.ids[mst.a[e]]
    b[e] = tree.ids[mst.b[e]]
  }
  const linkage = singleLinkage(n, a, b, mst.w)
  const condensed = condenseTree(n, linkage, minClusterSize)
  const selection = selectClusters(n, condensed)

  const coreDistances = new Float64Array(n)
  for (let s = 0; s < n; s++) coreDistances[tree.ids[s]] = Math.sqrt(core2[s])
  return { ...selection, coreDistances }
}
