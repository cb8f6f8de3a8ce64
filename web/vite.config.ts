/**
 * Vite config of the map front end. Root is web/, output web/dist (served by the API server at
 * `/`). In development `/api` is proxied to the server (WANGGE_API_URL, default
 * http://localhost:3000). `VITE_WANGGE_BASEMAP_URL` (optional XYZ raster template) is read from
 * the environment at build time.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  envDir: root,
  publicDir: 'public',
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // maplibre-gl and deck.gl are large by nature; split them so the app code caches separately
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        manualChunks: {
          maplibre: ['maplibre-gl'],
          deck: ['@deck.gl/core', '@deck.gl/layers', '@deck.gl/geo-layers', '@deck.gl/maplibre'],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.WANGGE_API_URL ?? 'http://localhost:3000', changeOrigin: true } },
  },
  preview: {
    proxy: { '/api': { target: process.env.WANGGE_API_URL ?? 'http://localhost:3000', changeOrigin: true } },
  },
})
