/**
 * A minimal PNG decoder for screenshots (8-bit RGB/RGBA, non-interlaced — what Chromium writes),
 * so the tests can read pixels without an image library.
 */
import { inflateSync } from 'node:zlib'

export interface Rgba {
  width: number
  height: number
  /** RGBA, 4 bytes per pixel, row-major from the top-left */
  data: Uint8Array
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** Decodes a PNG buffer to RGBA. */
export function decodePng(buf: Buffer): Rgba {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG')
  let pos = 8
  let width = 0
  let height = 0
  let colorType = 0
  const idat: Buffer[] = []
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos)
    const type = buf.toString('ascii', pos + 4, pos + 8)
    const body = buf.subarray(pos + 8, pos + 8 + len)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      const depth = body[8]
      colorType = body[9]
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || body[12] !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colorType}, interlace ${body[12]}`)
    } else if (type === 'IDAT') idat.push(body)
    else if (type === 'IEND') break
    pos += 12 + len
  }
  const bpp = colorType === 6 ? 4 : 3
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * bpp
  const px = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const src = y * (stride + 1) + 1
    const row = y * stride
    for (let x = 0; x < stride; x++) {
      const v = raw[src + x]
      const a = x >= bpp ? px[row + x - bpp] : 0
      const b = y > 0 ? px[row - stride + x] : 0
      const c = x >= bpp && y > 0 ? px[row - stride + x - bpp] : 0
      px[row + x] = (filter === 0 ? v : filter === 1 ? v + a : filter === 2 ? v + b : filter === 3 ? v + ((a + b) >> 1) : v + paeth(a, b, c)) & 0xff
    }
  }
  if (bpp === 4) return { width, height, data: px }
  const data = new Uint8Array(width * height * 4)
  for (let i = 0, j = 0; i < px.length; i += 3, j += 4) {
    data[j] = px[i]
    data[j + 1] = px[i + 1]
    data[j + 2] = px[i + 2]
    data[j + 3] = 255
  }
  return { width, height, data }
}

/** Counts pixels in a rectangle that satisfy `pred(r, g, b)`. */
export function countPixels(img: Rgba, rect: { x: number; y: number; w: number; h: number }, pred: (r: number, g: number, b: number) => boolean): number {
  let n = 0
  for (let y = Math.max(0, rect.y); y < Math.min(img.height, rect.y + rect.h); y++) {
    for (let x = Math.max(0, rect.x); x < Math.min(img.width, rect.x + rect.w); x++) {
      const i = (y * img.width + x) * 4
      if (pred(img.data[i], img.data[i + 1], img.data[i + 2])) n++
    }
  }
  return n
}

/** HSV-style saturation of an sRGB colour, 0–1 (greys are 0). */
export function saturation(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b)
  const min = Math.min(r, g, b)
  return max === 0 ? 0 : (max - min) / max
}
