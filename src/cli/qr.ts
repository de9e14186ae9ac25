/**
 * The invitation as a QR code in the terminal, two modules per character cell (Unicode half blocks),
 * drawn with the `qr` package (zero dependencies, maintained). With colour it is black on white
 * whatever the terminal's theme; without colour (NO_COLOR) the light modules are drawn as blocks, the
 * right way round on a dark terminal and inverted on a light one, which phone cameras read as well.
 */
import encodeQR from 'qr'

/** The rendered lines, or undefined when the text does not fit in a QR code. */
export function qrLines(text: string, options: { colour: boolean }): string[] | undefined {
  let matrix: boolean[][]
  try {
    matrix = encodeQR(text, 'raw', { ecc: 'low', border: 2 })
  } catch {
    return undefined
  }
  const lines: string[] = []
  for (let y = 0; y < matrix.length; y += 2) {
    const top = matrix[y] ?? []
    const bottom = matrix[y + 1] ?? []
    let line = ''
    for (let x = 0; x < top.length; x++) {
      // Each cell: which of its two modules are "ink" (dark with colour, light without).
      const upper = options.colour ? top[x] === true : top[x] !== true
      const lower = y + 1 < matrix.length && (options.colour ? bottom[x] === true : bottom[x] !== true)
      line += upper ? (lower ? '█' : '▀') : lower ? '▄' : ' '
    }
    lines.push(options.colour ? `\x1b[38;5;16;48;5;231m${line}\x1b[0m` : line)
  }
  return lines
}

/** Width in terminal columns of the QR code for `text` (one column per module), or undefined. */
export function qrWidth(text: string): number | undefined {
  try {
    return encodeQR(text, 'raw', { ecc: 'low', border: 2 })[0]?.length
  } catch {
    return undefined
  }
}

/** The QR code when stdout is a terminal wide enough to show it, else undefined. */
export function terminalQr(
  text: string,
  stream: { isTTY?: boolean; columns?: number },
  options: { colour: boolean }
): string[] | undefined {
  if (stream.isTTY !== true) return undefined
  const width = qrWidth(text)
  if (width === undefined || width > (stream.columns ?? 0)) return undefined
  return qrLines(text, options)
}
