/**
 * @module The invitation's QR code as an SVG built node by node (no markup parsed), from the `qr`
 * package's module matrix: one path, a run of dark modules per row a rectangle, dark on white
 * whatever the page's colour scheme, as phone cameras expect.
 */
import encodeQR from 'qr'

const SVG = 'http://www.w3.org/2000/svg'

/** The path of the dark modules, one `M x y h n v 1 h -n z` per run in a row, and the matrix's size. */
export function qrPath(matrix: boolean[][]): { size: number; d: string } {
  let d = ''
  matrix.forEach((row, y) => {
    let x = 0
    while (x < row.length) {
      if (row[x] !== true) {
        x++
        continue
      }
      const start = x
      while (row[x] === true) x++
      d += `M${start} ${y}h${x - start}v1h-${x - start}z`
    }
  })
  return { size: matrix.length, d }
}

/** The QR code of `text` labelled `label`, or undefined when the text is too long for a QR code. */
export function qrSvg(text: string, label: string): SVGSVGElement | undefined {
  let matrix: boolean[][]
  try {
    matrix = encodeQR(text, 'raw', { ecc: 'low', border: 2 })
  } catch {
    return undefined
  }
  const { size, d } = qrPath(matrix)
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`)
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-label', label)
  svg.setAttribute('shape-rendering', 'crispEdges')
  svg.classList.add('qr')
  const background = document.createElementNS(SVG, 'rect')
  background.setAttribute('width', String(size))
  background.setAttribute('height', String(size))
  background.setAttribute('fill', '#fff')
  const modules = document.createElementNS(SVG, 'path')
  modules.setAttribute('d', d)
  modules.setAttribute('fill', '#000')
  svg.append(background, modules)
  return svg
}
