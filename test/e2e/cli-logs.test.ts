/**
 * `DEBUG=securechat:*` shows what the program does, the node layer included, and never a secret:
 * not the answer, the room code, the invitation or its token, nor a message's text.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { decodeInvitation } from '../../src/protocol/invitation.js'
import { currentCode, Sandbox } from '../helpers/cli.js'
import { ANSWER } from '../helpers/room.js'

describe('diagnostics under DEBUG=securechat:*', () => {
  const sandbox = new Sandbox()
  after(() => sandbox.cleanup())

  it('log the host and the member, and hold no secret', async () => {
    const env = { DEBUG: 'securechat:*' }
    const host = sandbox.host([], { env })
    await host.event('ready')
    const invitation = (await host.event('invitation'))['invitation'] as string
    const code = await currentCode(host)
    // The later --answer-file wins: the wrong answer.
    const wrong = sandbox.join(invitation, code, 'eve', ['--answer-file', sandbox.wrongAnswerFile], { env })
    await wrong.exitCode()
    const alice = sandbox.join(invitation, code, 'alice', [], { env })
    await alice.event('joined')
    const secretText = 'the plan is in the blue folder'
    alice.send(secretText)
    await host.event('message', (e) => e['text'] === secretText)
    await alice.interrupt('SIGTERM')
    await host.interrupt('SIGTERM')
    const logs = host.stderr + wrong.stderr + alice.stderr
    assert.match(logs, /securechat:host/, 'the host logs')
    assert.match(logs, /securechat:member/, 'the member logs')
    const { token } = decodeInvitation(invitation)
    for (const [name, secret] of [
      ['the answer', ANSWER],
      ['the wrong answer', 'The Seine'],
      ['the room code', code],
      ['the invitation', invitation],
      ['the token', token],
      ['a message', secretText]
    ] as const) {
      assert.equal(logs.toLowerCase().includes(secret.toLowerCase()), false, `${name} appears in the logs`)
    }
  })
})
