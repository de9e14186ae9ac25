/**
 * @module The ways into a host's room, wired together: the connection guard that closes what no
 * member vouches for, the four gates for newcomers, the resume check for members coming back, and
 * the arrivals that hand each inbound stream to the one it is for.
 */
import type { Logger } from '@libp2p/interface'
import { Admission, type AdmissionInit } from './admission.js'
import { Arrivals, type ArrivalsInit } from './arrival.js'
import { ConnectionGuard } from './connection-guard.js'
import { CLOSE_FLUSH_MS } from './constants.js'
import { Readmission } from './readmission.js'

export type HostDoorsInit = AdmissionInit &
  Omit<ArrivalsInit, 'guard' | 'admission' | 'readmission'> & { roomId: Uint8Array; log: Logger }

export interface HostDoors {
  readonly admission: Admission
  readonly readmission: Readmission
  readonly guard: ConnectionGuard
  readonly arrivals: Arrivals
}

export function hostDoors(init: HostDoorsInit): HostDoors {
  const { config, roster, resume, barred } = init
  const admission = new Admission(init)
  const readmission = new Readmission({ config, roomId: init.roomId, roster, resume, barred })
  const guard = new ConnectionGuard({
    maxUnvouchedPerSource: config.maxConnectionsPerSource,
    graceMs: config.connectionGraceMs,
    closeTimeoutMs: CLOSE_FLUSH_MS,
    log: init.log.newScope('connections')
  })
  const arrivals = new Arrivals({ ...init, guard, admission, readmission })
  return { admission, readmission, guard, arrivals }
}

/** What a host holds for strangers and members now: open connections, handshakes, lockout records. */
export interface DoorsLoad {
  connections: number
  handshakes: number
  lockoutKeys: number
}

export function doorsLoad(doors: HostDoors): DoorsLoad {
  return {
    connections: doors.guard.size,
    handshakes: doors.admission.handshakesInProgress,
    lockoutKeys: doors.admission.lockout.size
  }
}
