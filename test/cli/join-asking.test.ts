/**
 * The CLI's join against a real host: what it asks again after a wrong answer or code, whether the
 * answer and code were given ahead (and so sent without waiting to be asked) or typed at the prompt.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type JoinAsker, joinAsking } from '../../src/cli/join-command.js'
import type { RoomHost } from '../../src/node/host.js'
import type { MemberKeyPair } from '../../src/protocol/member-keys.js'
import { ANSWER, memberKeys, startHost } from '../helpers/room.js'

/** An asker that types the next of `typed` at each prompt and notes what it was asked. */
function scripted(typed: {
  answers?: string[]
  codes?: (() => Promise<string>)[]
}): JoinAsker & { asked: string[] } {
  const asked: string[] = []
  const answers = [...(typed.answers ?? [])]
  const codes = [...(typed.codes ?? [])]
  return {
    asked,
    connecting: () => {},
    answer: async () => {
      asked.push('answer')
      const next = answers.shift()
      if (next === undefined) throw new Error('asked for an answer once too often')
      return next
    },
    code: async () => {
      asked.push('code')
      const next = codes.shift()
      if (next === undefined) throw new Error('asked for a code once too often')
      return next()
    },
    nickname: async () => {
      asked.push('nickname')
      return 'asked-nick'
    },
    retrying: (step) => {
      asked.push(`retry ${step}`)
    }
  }
}

describe('joining from the CLI: what is asked again', () => {
  let host: RoomHost
  let keys: MemberKeyPair[]
  const code = async () => (await host.roomCode()).code
  const WRONG_CODE = '000000'

  before(async () => {
    host = await startHost()
    keys = await memberKeys(4)
  })

  after(async () => {
    await host.close()
  })

  const joinWith = async (
    index: number,
    given: { answer?: string; code?: string },
    asker: JoinAsker
  ): Promise<string> => {
    const { invitation } = await host.invite()
    const member = await joinAsking(
      invitation,
      { answer: given.answer, code: given.code, nick: `m${index}` },
      { keys: keys[index] as MemberKeyPair, mdns: false, upnp: false, files: {} },
      asker
    )
    const nickname = member.nickname
    await member.close()
    return nickname
  }

  it('answer and code given, the code wrong: only the code is asked, the answer kept', async () => {
    const asker = scripted({ codes: [code] })
    assert.equal(await joinWith(0, { answer: ANSWER, code: WRONG_CODE }, asker), 'm0')
    assert.deepEqual(asker.asked, ['retry code', 'code'])
  })

  it('answer typed, code given and wrong: the answer that passed is not asked again', async () => {
    const asker = scripted({ answers: [ANSWER], codes: [code] })
    assert.equal(await joinWith(1, { code: WRONG_CODE }, asker), 'm1')
    assert.deepEqual(asker.asked, ['answer', 'retry code', 'code'])
  })

  it('answer given and wrong, code given: the answer is asked, the code still given', async () => {
    const asker = scripted({ answers: [ANSWER] })
    assert.equal(await joinWith(2, { answer: 'The Seine', code: await code() }, asker), 'm2')
    assert.deepEqual(asker.asked, ['retry answer', 'answer'])
  })

  it('both typed, the answer wrong at first: asked again, then the code', async () => {
    const asker = scripted({ answers: ['The Seine', ANSWER], codes: [code] })
    assert.equal(await joinWith(3, {}, asker), 'm3')
    assert.deepEqual(asker.asked, ['answer', 'retry answer', 'answer', 'code'])
  })
})
