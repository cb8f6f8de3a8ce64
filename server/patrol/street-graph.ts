/**
 * The walkable street graph of a network, built from the `streets` table by core/graph.ts and
 * stored in PostGIS (patrol_graphs, patrol_graph_nodes, patrol_graph_edges) with its connectivity
 * report: the map shows it, SQL can query it, and a street re-import marks it stale (signature).
 * Routing uses the same graph held in memory: it is rebuilt from the streets (tens of
 * milliseconds) whenever the stored signature no longer matches, and then stored again.
 */
import type { Database } from '../db/connect'
import { chooseMetricCrs, projector, type Projector } from '../shared/coords'
import { AppError } from '../shared/errors'
import { buildStreetGraph, connectivityReport, type ConnectivityReport, type StreetGraph } from './core/graph'
import { edgeCoordinates } from './core/graph-geometry'
import { networkStreets, streetsSignature } from './repository'

/** Line ends closer than this are one junction, metres: digitising noise, well under a pavement. */
export const SNAP_TOLERANCE_M = 0.5

/** A network's graph in memory with its projection. */
export interface NetworkGraph {
  network: string
  graphId: number
  graph: StreetGraph
  projector: Projector
  /** street ids (the `streets` rows) in graph line order */
  streetIds: number[]
  signature: string
  /** built_at of the stored row: tells this build from a later one with the same id */
  builtAt: number
}

/** What the build reports (stored in patrol_graphs.report and returned by the API). */
export interface GraphSummary {
  network: string
  graph_id: number
  metric_crs: string
  streets: number
  nodes: number
  edges: number
  length_km: number
  components: number
  /** the pieces a patrol on the main network cannot reach */
  disconnected: { count: number; length_m: number; street_ids: number[]; pieces: Array<{ component: number; nodes: number; edges: number; length_m: number; street_ids: number[] }> }
  /** streets that made no edge (fewer than two distinct vertices) */
  dropped_street_ids: number[]
  built_at: string
  duration_ms: number
}

const cache = new Map<string, NetworkGraph>()

function summarise(network: string, graphId: number, proj: Projector, streets: number, g: StreetGraph, rep: ConnectivityReport, ms: number): GraphSummary {
  let length = 0
  for (let e = 0; e < g.edgeCount; e++) length += g.edgeLength[e]
  return {
    network, graph_id: graphId, metric_crs: `EPSG:${proj.epsg}`, streets, nodes: g.n, edges: g.edgeCount,
    length_km: Math.round(length) / 1000, components: rep.components,
    disconnected: {
      count: rep.disconnected.count, length_m: Math.round(rep.disconnected.lengthM * 10) / 10,
      street_ids: rep.disconnected.lineIds.map(Number),
      pieces: rep.disconnected.pieces.map((p) => ({ component: p.component, nodes: p.nodes, edges: p.edges, length_m: Math.round(p.lengthM * 10) / 10, street_ids: p.lineIds.map(Number) })),
    },
    dropped_street_ids: rep.droppedLineIds.map(Number),
    built_at: new Date().toISOString(), duration_ms: Math.round(ms),
  }
}

/**
 * Builds the graph of `network` from its streets and stores it (replacing the previous one).
 * @throws AppError WG_NO_STREETS when the network has no streets
 */
export async function buildNetworkGraph(db: Database, network = 'default'): Promise<{ graph: NetworkGraph; summary: GraphSummary }> {
  const t0 = performance.now()
  const signature = await streetsSignature(db.knex, network)
  const rows = await networkStreets(db.knex, network)
  if (!rows.length) {
    throw new AppError('WG_NO_STREETS', `street network "${network}" has no streets; import them first (import streets FILE --network ${network})`, 422)
  }
  const lonlat = rows.map((r) => (JSON.parse(r.geom) as { coordinates: number[][] }).coordinates)
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
  for (const line of lonlat) {
    for (const [x, y] of line) {
      if (x < minX) minX = x
      if (x > maxX) maxX = x
      if (y < minY) minY = y
      if (y > maxY) maxY = y
    }
  }
  const proj = projector(chooseMetricCrs([minX, minY, maxX, maxY]).epsg)
  const lines = rows.map((r, k) => ({ id: r.id, coords: lonlat[k].map(([x, y]) => proj.forwardPoint(x, y)) }))
  const graph = buildStreetGraph(lines, { snapTolerance: SNAP_TOLERANCE_M })
  const report = connectivityReport(graph)

  const nodeLon = new Float64Array(graph.n)
  const nodeLat = new Float64Array(graph.n)
  proj.inverse(graph.nodeX, graph.nodeY, { lon: nodeLon, lat: nodeLat })
  const degree = Array.from({ length: graph.n }, (_, i) => graph.offsets[i + 1] - graph.offsets[i])
  const edgeGeoms: string[] = []
  for (let e = 0; e < graph.edgeCount; e++) {
    edgeGeoms.push(JSON.stringify({ type: 'LineString', coordinates: edgeCoordinates(graph, e).map(([x, y]) => proj.inversePoint(x, y)) }))
  }
  const graphId = await db.knex.transaction(async (trx) => {
    await trx('patrol_graphs').where({ network }).delete()
    const [{ id }] = await trx('patrol_graphs').insert({
      network, metric_epsg: proj.epsg, snap_tolerance_m: SNAP_TOLERANCE_M, streets_signature: signature,
      node_count: graph.n, edge_count: graph.edgeCount, components: report.components,
      length_m: Array.from(graph.edgeLength).reduce((a, b) => a + b, 0),
    }).returning('id')
    const BATCH = 5000
    for (let a = 0; a < graph.n; a += BATCH) {
      const b = Math.min(graph.n, a + BATCH)
      const idx = Array.from({ length: b - a }, (_, k) => a + k)
      await trx.raw(
        `INSERT INTO patrol_graph_nodes (graph_id, idx, component, degree, geom)
         SELECT :graph, u.idx, u.component, u.degree, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326)
         FROM unnest(CAST(:idx AS integer[]), CAST(:component AS integer[]), CAST(:degree AS integer[]), CAST(:lon AS float8[]), CAST(:lat AS float8[]))
           AS u(idx, component, degree, lon, lat)`,
        { graph: id, idx, component: idx.map((i) => graph.component[i]), degree: degree.slice(a, b), lon: Array.from(nodeLon.subarray(a, b)), lat: Array.from(nodeLat.subarray(a, b)) })
    }
    for (let a = 0; a < graph.edgeCount; a += BATCH) {
      const b = Math.min(graph.edgeCount, a + BATCH)
      const idx = Array.from({ length: b - a }, (_, k) => a + k)
      await trx.raw(
        `INSERT INTO patrol_graph_edges (graph_id, idx, from_node, to_node, length_m, street_id, component, geom)
         SELECT :graph, u.idx, u.from_node, u.to_node, u.length_m, u.street_id, u.component, ST_SetSRID(ST_GeomFromGeoJSON(u.geom), 4326)
         FROM unnest(CAST(:idx AS integer[]), CAST(:from AS integer[]), CAST(:to AS integer[]), CAST(:length AS float8[]),
                     CAST(:street AS bigint[]), CAST(:component AS integer[]), CAST(:geom AS text[]))
           AS u(idx, from_node, to_node, length_m, street_id, component, geom)`,
        {
          graph: id, idx, from: idx.map((e) => graph.edgeFrom[e]), to: idx.map((e) => graph.edgeTo[e]),
          length: idx.map((e) => graph.edgeLength[e]), street: idx.map((e) => Number(graph.lineIds[graph.edgeLine[e]])),
          component: idx.map((e) => graph.component[graph.edgeFrom[e]]), geom: edgeGeoms.slice(a, b),
        })
    }
    return id as number
  })
  const summary = summarise(network, graphId, proj, rows.length, graph, report, performance.now() - t0)
  const [{ built_at }] = await db.knex('patrol_graphs').where({ id: graphId })
    .update({ report: JSON.stringify(summary), duration_ms: summary.duration_ms }).returning('built_at')
  const built: NetworkGraph = { network, graphId, graph, projector: proj, streetIds: rows.map((r) => r.id), signature, builtAt: new Date(built_at).getTime() }
  cache.set(`${db.url}|${network}`, built)
  return { graph: built, summary }
}

/**
 * The network's graph, from memory when the streets have not changed since it was built, else
 * rebuilt and stored again.
 */
export async function networkGraph(db: Database, network = 'default'): Promise<NetworkGraph> {
  const signature = await streetsSignature(db.knex, network)
  const key = `${db.url}|${network}`
  const hit = cache.get(key)
  const stored = await db.knex('patrol_graphs').where({ network }).first('id', 'streets_signature', 'built_at')
  if (hit && stored && hit.signature === signature && stored.streets_signature === signature && stored.id === hit.graphId &&
    new Date(stored.built_at).getTime() === hit.builtAt) return hit
  return (await buildNetworkGraph(db, network)).graph
}

/** The stored build report of a network's graph (null when never built). */
export async function graphSummary(db: Database, network = 'default'): Promise<(GraphSummary & { stale: boolean }) | null> {
  const row = await db.knex('patrol_graphs').where({ network }).first('report', 'streets_signature')
  if (!row) return null
  return { ...(row.report as GraphSummary), stale: row.streets_signature !== await streetsSignature(db.knex, network) }
}
