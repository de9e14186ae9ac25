/**
 * @module A libp2p identity kept in a file of its own (the relay's `--identity`): the Ed25519 private
 * key as libp2p's protobuf, 0600, made on first use. The key is never logged nor put in an error.
 */
import { readFileSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { IdentityFileError } from './errors.js'
import { makePrivateFolder, PRIVATE_FILE_MODE, tightenMode, writePrivateFile } from './private-files.js'

export interface IdentityFileOptions {
  /** Told about anything fixed on the way (a file others could read); never given the key. */
  warn?: (message: string) => void
}

export interface Identity {
  privateKey: PrivateKey
  /** True when the file did not exist and a new key was made and saved. */
  created: boolean
}

/**
 * The identity in `path`, or, when there is no such file, a new Ed25519 key saved there (its folder
 * made 0700 where missing), so the PeerId, and with it every multiaddr that names it, outlives a
 * restart. A file others could read is set to 0600, and `warn` says so.
 */
export async function loadOrCreateIdentity(
  path: string,
  options: IdentityFileOptions = {}
): Promise<Identity> {
  const warn = options.warn ?? (() => {})
  let exists: boolean
  try {
    const stat = statSync(path)
    if (!stat.isFile()) throw new IdentityFileError(`${path} is not a file`)
    exists = true
  } catch (err) {
    if (err instanceof IdentityFileError) throw err
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(path, err)
    exists = false
  }
  if (exists) {
    tightenMode(path, PRIVATE_FILE_MODE, warn)
    let bytes: Uint8Array
    try {
      bytes = readFileSync(path)
    } catch (err) {
      throw unreadable(path, err)
    }
    try {
      return { privateKey: privateKeyFromProtobuf(bytes), created: false }
    } catch {
      throw new IdentityFileError(`${path} is not a libp2p private key (damaged, or another kind of file)`)
    }
  }
  const privateKey = await generateKeyPair('Ed25519')
  try {
    makePrivateFolder(dirname(path))
    writePrivateFile(path, privateKeyToProtobuf(privateKey))
  } catch (err) {
    throw new IdentityFileError(`cannot save a new identity to ${path}${errnoOf(err)}`)
  }
  return { privateKey, created: true }
}

function unreadable(path: string, cause: unknown): IdentityFileError {
  return new IdentityFileError(`cannot read the identity ${path}${errnoOf(cause)}`)
}

/** ` (EACCES)` and the like: the code alone, never a message that might quote the file. */
function errnoOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' ? ` (${code})` : ''
}
