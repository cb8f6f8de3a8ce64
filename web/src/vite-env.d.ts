/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Optional XYZ raster template drawn under the base map, e.g. `https://tiles.example.org/{z}/{x}/{y}.png`. */
  readonly VITE_WANGGE_BASEMAP_URL?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
