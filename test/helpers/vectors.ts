import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/**
 * The official vectors live in `../shared/vectors` beside the project (never copied into it);
 * `SECURECHAT_VECTORS` points elsewhere. Returns undefined when they are absent so a test can skip
 * and say why.
 */
export function vectorsDir(): string | undefined {
  const dir = process.env.SECURECHAT_VECTORS ?? join(projectRoot, '..', 'shared', 'vectors')
  return existsSync(dir) ? dir : undefined
}

export function readVectors<T>(relativePath: string): { vectors: T; path: string } | { skip: string } {
  const dir = vectorsDir()
  if (dir === undefined)
    return {
      skip: `official vectors not found beside the project (../shared/vectors); set SECURECHAT_VECTORS`
    }
  const path = join(dir, relativePath)
  if (!existsSync(path)) return { skip: `official vector file ${path} not found` }
  return { vectors: JSON.parse(readFileSync(path, 'utf8')) as T, path }
}
