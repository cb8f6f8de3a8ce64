// shpjs ships no type declarations; this is the part Wangge uses.
declare module 'shpjs' {
  import type { FeatureCollection } from 'geojson'
  type ShpResult = FeatureCollection & { fileName?: string }
  export default function shp(input: ArrayBuffer | Uint8Array | Buffer | string): Promise<ShpResult | ShpResult[]>
}
