/** The room on libp2p: the host, the member, the node factory and their options. */

export { invitationTarget } from './addresses.js'
export { DEFAULT_SCRYPT_PARAMS, hashAnswer, needsRehash, verifyAnswer } from './answer-hash.js'
export * as defaults from './constants.js'
export {
  HeldBytesError,
  HostUnreachableError,
  IdentityFileError,
  JoinRefusedError,
  MessageRejectedError,
  NobodyToSendToError,
  RefusedError,
  RelayConfigError,
  RelayOnlyError,
  ReservationEndedError,
  RoomClosedError,
  RoomStoreError,
  StreamEndedError,
  TokenRefusedError
} from './errors.js'
export { EventFeed, type MemberInfo, type RoomEvent, type RoomEventType } from './events.js'
export { createRoomHost, type IssuedRoomInvitation, RoomHost, type RoomHostOptions } from './host.js'
export { type Identity, type IdentityFileOptions, loadOrCreateIdentity } from './identity-file.js'
export { isPrivateIp, scopeInvitation } from './invitation-scope.js'
export type { InvitationRecord } from './invitations.js'
export { type JoinOptions, joinRoom } from './join.js'
export type { JoinCredentials } from './join-handshake.js'
export { createSecureChatNode, defaultListenAddresses, type NodeOptions } from './libp2p.js'
export type { LockoutOptions } from './lockout.js'
export { RoomMember } from './member.js'
export type {
  CircuitEnd,
  CircuitLimit,
  RelayEvent,
  RelayEventType,
  ReservationEnd,
  ReservationRefusal
} from './relay-events.js'
export {
  createRelayServer,
  type HeldReservation,
  RelayServer,
  type RelayServerOptions,
  type RelaySettings
} from './relay-server.js'
export { configFolder, ROOM_NAME_PATTERN, RoomStore, type StoredRoom } from './room-store.js'
