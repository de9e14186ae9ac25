/**
 * @module The page's files (built into dist/ui/ by the page's own build) and the headers every
 * response of the local server carries.
 */
import { readFile, stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

/** dist/ui/, beside dist/src/ (this module is dist/src/cli/ui/page-files.js). */
export const PAGE_DIR = new URL('../../../ui/', import.meta.url)

/** What is served, by extension; any other file is not found, whatever the bundle holds. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2'
}

/**
 * The policy of every response: scripts and styles only from the bundle (no inline ones, so text
 * that got into the page as markup still could not run), connections only back to this server, no
 * framing (no clickjacking of the host's controls), no forms posted anywhere.
 */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    // 'self' is the page's own WebSocket whatever name it was opened under (CSP 3 matches ws: to the
    // page's http: origin); the names are listed for older browsers. An IPv6 literal is no valid
    // source there (Chromium refuses it aloud), so [::1] relies on 'self'.
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
}

/** The headers of every response, whatever it answers. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin'
  }
}

/** Ends `res` with `status` and a short text body; the security headers are already set. */
export function answer(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {}
): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers })
  res.end(`${body}\n`)
}

/** The one body of every refusal: nothing about the room, and what to do instead. */
export const FORBIDDEN_BODY =
  'Forbidden. Open the link the securechat process printed (each link opens the page once).'

/**
 * Shown at `/` when the page's bundle is missing (a build without it): plain HTML, no script and no
 * style, so the policy above holds for it too.
 */
const MISSING_BUNDLE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>securechat</title></head>
<body><h1>securechat</h1><p>The page's files (dist/ui/) are missing: run <code>npm run build</code>,
then open a new link. The room itself runs as usual in the securechat process.</p></body></html>
`

/** A request path as a file of the bundle: plain names only, no dot-files, no `..`, a known type. */
function pagePath(pathname: string): string | undefined {
  const path = pathname === '/' ? '/index.html' : pathname
  if (!/^(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$/.test(path)) return undefined
  if (CONTENT_TYPES[extname(path)] === undefined) return undefined
  return path.slice(1)
}

/** Serves `pathname` from `dir` (GET or HEAD); not found for anything the bundle does not hold. */
export async function servePageFile(
  res: ServerResponse,
  pathname: string,
  head: boolean,
  dir: URL = PAGE_DIR
): Promise<void> {
  const relative = pagePath(pathname)
  if (relative === undefined) {
    answer(res, 404, 'Not found.')
    return
  }
  const file = fileURLToPath(new URL(relative, dir))
  let body: Buffer
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file')
    body = await readFile(file)
  } catch {
    if (relative === 'index.html') {
      res.writeHead(200, { 'Content-Type': CONTENT_TYPES['.html'] as string })
      res.end(head ? undefined : MISSING_BUNDLE)
      return
    }
    answer(res, 404, 'Not found.')
    return
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(relative)] as string,
    'Content-Length': String(body.byteLength)
  })
  res.end(head ? undefined : body)
}
