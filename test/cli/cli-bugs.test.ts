/** CLI bugs found by reading (issue 10), each pinned by the test that failed before its fix. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runCommand } from '../../src/cli/actions.js'
import { parseInput } from '../../src/cli/commands.js'
import type { ChatSession, HostControls } from '../../src/cli/session.js'
import { sendErrorCode } from '../../src/cli/session-runner.js'
import { MessageRejectedError, NobodyToSendToError, RoomClosedError } from '../../src/node/errors.js'
import { MessageTooLargeError } from '../../src/protocol/message.js'
import { Reason } from '../../src/protocol/wire/securechat.js'

function hostSession(kicked: string[]): ChatSession {
  const host = {
    kick: (who: string) => {
      kicked.push(who)
      return true
    },
    ban: (who: string) => {
      kicked.push(who)
      return true
    }
  } as unknown as HostControls
  return { role: 'host', nickname: 'host', peerId: 'peer-host', host } as unknown as ChatSession
}

describe('CLI bugs found by reading', () => {
  it('/kick HOST and /ban Host are the host itself, whatever the case: not-yourself', async () => {
    const kicked: string[] = []
    for (const line of ['/kick HOST', '/ban Host', '/kick host']) {
      const parsed = parseInput(line, 'host')
      assert.equal(parsed.kind, 'command')
      if (parsed.kind !== 'command') continue
      const result = await runCommand(parsed.command, hostSession(kicked))
      assert.equal(result.kind === 'error' && result.code, 'not-yourself', line)
    }
    assert.deepEqual(kicked, [], 'the host never kicked itself')
  })

  it('a failed send says why in --json: message-too-large, nobody-to-send-to, the room reasons', () => {
    assert.equal(sendErrorCode(new MessageTooLargeError('too big')), 'message-too-large')
    assert.equal(sendErrorCode(new NobodyToSendToError('nobody')), 'nobody-to-send-to')
    assert.equal(sendErrorCode(new RoomClosedError('gone')), 'not-in-room')
    assert.equal(sendErrorCode(new MessageRejectedError(Reason.RATE_LIMITED, 'slow down')), 'rate-limited')
    assert.equal(sendErrorCode(new Error('anything else')), 'send-failed')
  })
})
