/** Constants shared by the coordinator and its child processes. */

export const QUESTION = 'Which river runs past the office?'
export const ANSWER = 'The Thames'

/** Many members dial from 127.0.0.1: the per-address limits must not be what is measured. */
export const ROOM_LIMITS = {
  inboundConnectionThreshold: 1000,
  maxConnections: 1000,
  maxIncomingPendingConnections: 256
}
