/**
 * Which builder draws which kind, and each kind's parameters with defaults applied (the
 * parameters stored with the layout, so the same parameters redraw the same cells).
 */
import type { MultiPolygon, Polygon } from 'geojson'
import { AppError } from '../shared/errors'
import { h3Defaults, makeH3Builder } from './h3/build'
import type { LayoutRequest } from './schema'
import { buildSquare, squareDefaults } from './square/build'
import { buildStreet, streetDefaults } from './street/build'
import type { KindBuilder } from './types'

/** The builder of `req.kind` and its parameters (defaults applied). */
export function builderFor(req: LayoutRequest, scopeGeometry: Polygon | MultiPolygon): { builder: KindBuilder<Record<string, unknown>>; params: Record<string, unknown> } {
  switch (req.kind) {
    case 'square': {
      const params = squareDefaults(req)
      return { builder: buildSquare as unknown as KindBuilder<Record<string, unknown>>, params: { ...params } }
    }
    case 'h3': {
      const params = h3Defaults(req)
      return { builder: makeH3Builder(scopeGeometry) as unknown as KindBuilder<Record<string, unknown>>, params: { ...params } }
    }
    case 'street': {
      const params = streetDefaults(req)
      return { builder: buildStreet as unknown as KindBuilder<Record<string, unknown>>, params: { ...params } }
    }
    default:
      throw new AppError('WG_BAD_PARAMETER', `Parameter kind: unexpected value "${String((req as { kind: unknown }).kind)}"; use square, h3 or street`, 400)
  }
}
