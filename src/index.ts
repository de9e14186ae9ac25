/**
 * securechat: peer-to-peer secure group chat on libp2p.
 *
 * `createRoomHost` opens a room; `joinRoom` enters one through its invitation. The primitives
 * (Fernet, TOTP room code, RSA envelope, wire codecs) are re-exported from `./protocol`.
 */
export * from './node/index.js'
export * from './protocol/index.js'
