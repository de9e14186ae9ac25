import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { before, describe, it } from 'node:test'
import { concatBytes } from '../../src/protocol/bytes.js'
import { SIGNING_KEY_BYTES } from '../../src/protocol/constants.js'
import {
  generateMemberKeyPair,
  type MemberKeyPair,
  memberFingerprint,
  publicKeysOf,
  shortMemberFingerprint,
  withSigningKey
} from '../../src/protocol/member-keys.js'
import { fingerprint, generateRsaKeyPair, type RsaKeyPair } from '../../src/protocol/rsa.js'
import {
  generateSigningKeyPair,
  type SigningKeyPair,
  verifiedSigningKey
} from '../../src/protocol/signing-key.js'

const FINGERPRINT = /^\d{5}( \d{5}){5}$/

/** The fingerprint as the prose states it: SHA-256 of SPKI ‖ signing key, six groups of 40 bits mod 10^5. */
function referenceFingerprint(spki: Uint8Array, signingKey: Uint8Array): string {
  const hash = createHash('sha256').update(spki).update(signingKey).digest()
  const groups: string[] = []
  for (let i = 0; i < 6; i++) {
    const group = hash.subarray(i * 5, i * 5 + 5).reduce((n, byte) => n * 256n + BigInt(byte), 0n)
    groups.push(String(group % 100000n).padStart(5, '0'))
  }
  return groups.join(' ')
}

async function assertBound(pair: MemberKeyPair): Promise<void> {
  const key = await verifiedSigningKey(pair.publicKey, pair.signing.publicKey.raw, pair.binding)
  assert.deepEqual(key.raw, pair.signing.publicKey.raw)
}

let member: MemberKeyPair
let rsa: RsaKeyPair
let otherRsa: RsaKeyPair
let signing: SigningKeyPair
let otherSigning: SigningKeyPair

before(async () => {
  ;[member, rsa, otherRsa, signing, otherSigning] = await Promise.all([
    generateMemberKeyPair(),
    generateRsaKeyPair(),
    generateRsaKeyPair(),
    generateSigningKeyPair(),
    generateSigningKeyPair()
  ])
})

describe('generateMemberKeyPair', () => {
  it('an RSA pair and a P-256 signing pair, the second bound to the first', async () => {
    assert.equal(member.publicKey.modulusLength, 2048)
    assert.equal(member.signing.publicKey.raw.byteLength, SIGNING_KEY_BYTES)
    assert.equal(member.binding.byteLength, 256)
    await assertBound(member)
  })

  it('takes the RSA modulus length', async () => {
    const big = await generateMemberKeyPair(3072)
    assert.equal(big.publicKey.modulusLength, 3072)
    assert.equal(big.binding.byteLength, 384)
    await assertBound(big)
  })

  it('makes fresh keys every time', async () => {
    const again = await generateMemberKeyPair()
    assert.notDeepEqual(again.publicKey.spki, member.publicKey.spki)
    assert.notDeepEqual(again.signing.publicKey.raw, member.signing.publicKey.raw)
  })
})

describe('withSigningKey', () => {
  it('keeps a given signing pair, and binds it to the RSA pair', async () => {
    const pair = await withSigningKey(rsa, signing)
    assert.equal(pair.signing, signing)
    assert.equal(pair.publicKey, rsa.publicKey)
    assert.equal(pair.privateKey, rsa.privateKey)
    await assertBound(pair)
  })

  it('returns a member key pair as it is (its stored signing key is not replaced)', async () => {
    assert.equal(await withSigningKey(member), member)
  })

  it('gives an RSA pair alone a fresh signing key, bound to it', async () => {
    const first = await withSigningKey(rsa)
    const second = await withSigningKey(rsa)
    assert.notDeepEqual(first.signing.publicKey.raw, second.signing.publicKey.raw)
    await assertBound(first)
    await assertBound(second)
  })

  it('re-binds a member key pair to another signing pair it is given', async () => {
    const rebound = await withSigningKey(member, otherSigning)
    assert.equal(rebound.signing, otherSigning)
    assert.equal(rebound.publicKey, member.publicKey)
    await assertBound(rebound)
    // The old binding does not vouch for the new key.
    await assert.rejects(verifiedSigningKey(member.publicKey, otherSigning.publicKey.raw, member.binding))
  })
})

describe('memberFingerprint', () => {
  it('six groups of five digits over the SPKI and then the signing key', async () => {
    const keys = publicKeysOf(member)
    assert.deepEqual(keys, { publicKeySpki: member.publicKey.spki, signingKey: member.signing.publicKey.raw })
    const value = await memberFingerprint(keys)
    assert.match(value, FINGERPRINT)
    assert.equal(value, referenceFingerprint(keys.publicKeySpki, keys.signingKey))
    assert.equal(value, await fingerprint(concatBytes(keys.publicKeySpki, keys.signingKey)))
    assert.equal(await memberFingerprint(keys), value)
  })

  it('covers the signing key: another signing key with the same RSA key changes it', async () => {
    const [one, two] = await Promise.all([withSigningKey(rsa, signing), withSigningKey(rsa, otherSigning)])
    assert.notEqual(await memberFingerprint(publicKeysOf(one)), await memberFingerprint(publicKeysOf(two)))
    // One bit of the signing key is enough.
    const flipped = signing.publicKey.raw.slice()
    flipped[31] = (flipped[31] as number) ^ 1
    assert.notEqual(
      await memberFingerprint({ publicKeySpki: rsa.publicKey.spki, signingKey: flipped }),
      await memberFingerprint(publicKeysOf(one))
    )
  })

  it('covers the RSA key: another RSA key with the same signing key changes it', async () => {
    const [one, two] = await Promise.all([withSigningKey(rsa, signing), withSigningKey(otherRsa, signing)])
    assert.notEqual(await memberFingerprint(publicKeysOf(one)), await memberFingerprint(publicKeysOf(two)))
  })

  it('is not the fingerprint of the RSA key alone (the one 1.0.0 showed)', async () => {
    assert.notEqual(await memberFingerprint(publicKeysOf(member)), await fingerprint(member.publicKey.spki))
  })

  it('the short form is its first two groups', async () => {
    const keys = publicKeysOf(member)
    const full = await memberFingerprint(keys)
    const short = await shortMemberFingerprint(keys)
    assert.match(short, /^\d{5} \d{5}$/)
    assert.equal(short, full.split(' ').slice(0, 2).join(' '))
  })
})
