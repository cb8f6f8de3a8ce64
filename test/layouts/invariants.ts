import type { Database } from '../../server/db/connect'

/** What the issue promises of every layout whose cells tile their scope. */
export interface LayoutInvariants {
  /** |area(union cells △ scope)| / area(scope) */
  unionDifference: number
  /** (Σ cell areas − area(union cells)) / area(union cells): 0 when cells only share boundaries */
  overlap: number
  invalid: number
  empty: number
  /** cells with more than 1 m² (or 1e-6 of their area) outside their community */
  outsideCommunity: number
  /** cells without community */
  noCommunity: number
  /** neighbour lists that are not symmetric */
  asymmetricNeighbours: number
}

/**
 * Measures the invariants in the layout's metric CRS. The overlays snap to a 0.1 mm grid: without
 * a grid size the embedded database's GEOS returns no row at all for some unions of clipped cells.
 */
export async function layoutInvariants(db: Database, layoutId: number): Promise<LayoutInvariants> {
  const [{ srid, scope }] = (await db.knex.raw(
    "SELECT split_part(metric_crs, ':', 2)::int AS srid, scope_id AS scope FROM layouts WHERE id = ?", [layoutId])).rows
  const r = (await db.knex.raw(
    `WITH c AS (SELECT idx, community_id, neighbours, ST_Transform(geom, :srid::int) AS g, geom FROM cells WHERE layout_id = :id),
          u AS (SELECT ST_Union(g, 1e-4) AS g, sum(ST_Area(g)) AS total FROM c),
          s AS (SELECT ST_Transform(geom, :srid::int) AS g FROM districts WHERE id = :scope)
     SELECT ST_Area(ST_SymDifference(u.g, s.g, 1e-4)) / ST_Area(s.g) AS union_difference,
            (u.total - ST_Area(u.g)) / ST_Area(u.g) AS overlap,
            (SELECT count(*) FROM c WHERE NOT ST_IsValid(c.geom))::int AS invalid,
            (SELECT count(*) FROM c WHERE ST_IsEmpty(c.geom))::int AS empty,
            (SELECT count(*) FROM c JOIN districts d ON d.id = c.community_id
              WHERE ST_Area(ST_Difference(c.g, ST_Transform(d.geom, :srid::int), 1e-4)) > greatest(1, 1e-6 * ST_Area(c.g)))::int AS outside_community,
            (SELECT count(*) FROM c WHERE community_id IS NULL)::int AS no_community,
            (SELECT count(*) FROM c a CROSS JOIN unnest(a.neighbours) AS n(j) JOIN c b ON b.idx = n.j WHERE NOT a.idx = ANY (b.neighbours))::int AS asymmetric
     FROM u, s`, { srid, id: layoutId, scope })).rows[0]
  return {
    unionDifference: r.union_difference, overlap: r.overlap, invalid: r.invalid, empty: r.empty,
    outsideCommunity: r.outside_community, noCommunity: r.no_community, asymmetricNeighbours: r.asymmetric,
  }
}

/** Expects the tiling invariants (union = scope within 0.01%, no overlap, valid, one community each). */
export function tiles(inv: LayoutInvariants, opts: { communities?: boolean } = {}): boolean {
  return inv.unionDifference < 1e-4 && inv.overlap < 1e-6 && inv.invalid === 0 && inv.empty === 0 &&
    inv.outsideCommunity === 0 && (opts.communities === false || inv.noCommunity === 0) && inv.asymmetricNeighbours === 0
}
