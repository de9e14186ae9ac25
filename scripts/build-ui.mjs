// Builds the page of `--ui` into dist/ui/: index.html, app.js (src/ui/main.ts and what it imports,
// bundled and minified by esbuild) and app.css. Everything the page needs is in these three files:
// the process serves nothing else and the page fetches nothing from the internet.
import { copyFile, mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = `${root}dist/ui`

await mkdir(out, { recursive: true })
const result = await build({
  absWorkingDir: root,
  entryPoints: { app: 'src/ui/main.ts' },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // The Chromium, Firefox and Safari of 2023 on: what the page uses (color-mix, :focus-visible) needs no older.
  target: ['chrome111', 'firefox113', 'safari16.2'],
  minify: true,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning'
})
await build({
  absWorkingDir: root,
  entryPoints: { app: 'src/ui/app.css' },
  outdir: out,
  bundle: true,
  minify: true,
  target: ['chrome111', 'firefox113', 'safari16.2'],
  logLevel: 'warning'
})
await copyFile(`${root}src/ui/index.html`, `${out}/index.html`)

// A bundle that reached for Node would fail in the browser, late: fail the build instead.
const nodeInputs = Object.keys(result.metafile.inputs).filter((input) => input.startsWith('node:'))
if (nodeInputs.length > 0) {
  console.error(`build-ui: the page's bundle imports Node modules: ${nodeInputs.join(', ')}`)
  process.exit(1)
}
