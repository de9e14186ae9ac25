/**
 * @module Where received files go and which are taken without asking: `--download-dir` (by default
 * the XDG download folder, else the current directory), `--accept-files`, `--download-rate`.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import type { MemberFileOptions } from '../node/file-transfers.js'
import { UsageError } from './exit-codes.js'

/** The file flags `p2p host` and `p2p join` share. */
export interface FileFlags {
  downloadDir?: string
  /** Offers up to this many bytes are accepted by themselves (--accept-files). */
  acceptFiles?: number
  /** Downloads read at most this many bytes per second (--download-rate). */
  downloadRate?: number
}

/** What the download folder is found from: the environment, the home and current directories. */
export interface PlaceContext {
  env: Record<string, string | undefined>
  /** @default the env's HOME, else the system's idea of it */
  home?: string
  /** @default process.cwd() */
  cwd?: string
}

function homeOf(context: PlaceContext): string {
  const home = context.home ?? context.env['HOME']
  return home !== undefined && home !== '' ? home : homedir()
}

/** `~` and `~/…` are the home directory, as in a shell (a path typed at the chat prompt has no shell). */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home
  if (path.startsWith('~/')) return join(home, path.slice(2))
  return path
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/**
 * The XDG_DOWNLOAD_DIR that a user-dirs.dirs file names (shell syntax, as xdg-user-dirs writes it:
 * `XDG_DOWNLOAD_DIR="$HOME/Downloads"`), with `$HOME` put in; undefined when it names none, or names
 * the home directory itself, which is how that file turns a folder off.
 */
export function userDirsDownload(text: string, home: string): string | undefined {
  let value: string | undefined
  for (const line of text.split('\n')) {
    const match = /^\s*XDG_DOWNLOAD_DIR\s*=\s*(.*?)\s*$/.exec(line)
    if (match !== null) value = match[1]
  }
  if (value === undefined) return undefined
  const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value)
  const raw = quoted?.[1] ?? value
  const unescaped = raw.replace(/\\(.)/g, '$1')
  const expanded = unescaped.replace(/^\$(?:HOME|\{HOME\})(?=\/|$)/, home)
  if (expanded === '') return undefined
  // The file's paths are absolute or relative to the home directory.
  const path = isAbsolute(expanded) ? expanded : join(home, expanded)
  return resolve(path) === resolve(home) ? undefined : path
}

/**
 * Where received files go when `--download-dir` is not given: `$XDG_DOWNLOAD_DIR`, else the folder
 * user-dirs.dirs names if it exists, else the current directory.
 */
export function defaultDownloadDir(context: PlaceContext): string {
  const fromEnv = context.env['XDG_DOWNLOAD_DIR']
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  const home = homeOf(context)
  const configHome = context.env['XDG_CONFIG_HOME']
  const config = configHome !== undefined && isAbsolute(configHome) ? configHome : join(home, '.config')
  try {
    const named = userDirsDownload(readFileSync(join(config, 'user-dirs.dirs'), 'utf8'), home)
    if (named !== undefined && isDirectory(named)) return named
  } catch {
    // No such file: most systems without a desktop have none.
  }
  return context.cwd ?? process.cwd()
}

/**
 * The member's file options from the flags. A `--download-dir` that is no writable folder is a usage
 * error now, rather than a failed download when someone sends a file.
 */
export function memberFileOptions(flags: FileFlags, context: PlaceContext): MemberFileOptions {
  let downloadDir: string
  if (flags.downloadDir === undefined) downloadDir = defaultDownloadDir(context)
  else {
    downloadDir = resolve(context.cwd ?? process.cwd(), expandHome(flags.downloadDir, homeOf(context)))
    if (!isDirectory(downloadDir)) {
      throw new UsageError(`--download-dir: "${flags.downloadDir}" is not a folder (or does not exist)`)
    }
    try {
      accessSync(downloadDir, constants.W_OK)
    } catch {
      throw new UsageError(`--download-dir: cannot write to "${flags.downloadDir}"`)
    }
  }
  return {
    downloadDir,
    acceptUpTo: flags.acceptFiles ?? -1,
    ...(flags.downloadRate === undefined ? {} : { downloadBytesPerSecond: flags.downloadRate })
  }
}
