/**
 * @module Who is in the room, with the key fingerprints members compare aloud, kept from the
 * events (`ready`, `joined`, `member-joined`, `-left`, `-away`, `-back`) and refreshed by `/who`.
 * The host gets Kick and Ban beside each member.
 */
import { button, h } from './dom.js'
import type { NickPainter } from './nicks.js'
import type { Person } from './protocol.js'

interface Present extends Person {
  away: boolean
}

export interface MemberActions {
  kick(nick: string): void
  ban(nick: string): void
}

export class Members {
  private readonly list: HTMLUListElement
  private readonly count: HTMLElement
  private readonly paint: NickPainter
  private readonly people = new Map<string, Present>()
  private actions: MemberActions | undefined

  constructor(list: HTMLUListElement, count: HTMLElement, paint: NickPainter) {
    this.list = list
    this.count = count
    this.paint = paint
  }

  reset(): void {
    this.people.clear()
    this.actions = undefined
    this.render()
  }

  /** The host's page: each other member gets Kick and Ban. */
  setActions(actions: MemberActions | undefined): void {
    this.actions = actions
    this.render()
  }

  add(person: Omit<Person, 'self' | 'host'> & Partial<Person>): void {
    const known = this.people.get(person.peerId)
    this.people.set(person.peerId, {
      nick: person.nick,
      peerId: person.peerId,
      fingerprint: person.fingerprint,
      self: person.self ?? known?.self ?? false,
      host: person.host ?? known?.host ?? false,
      away: false
    })
    this.paint.claim(person.nick)
    this.render()
  }

  /** A member left; returns its nickname (whose colour is then released by the caller). */
  remove(peerId: string): string | undefined {
    const person = this.people.get(peerId)
    this.people.delete(peerId)
    this.render()
    return person?.nick
  }

  setAway(peerId: string, away: boolean): void {
    const person = this.people.get(peerId)
    if (person === undefined) return
    person.away = away
    this.render()
  }

  /** `/who`'s answer is the room's own list: it replaces what the events built. */
  replace(people: Person[]): void {
    const away = new Set([...this.people.values()].filter((p) => p.away).map((p) => p.peerId))
    this.people.clear()
    for (const p of people) this.people.set(p.peerId, { ...p, away: away.has(p.peerId) })
    this.render()
  }

  private render(): void {
    const people = [...this.people.values()]
    this.count.textContent = people.length === 1 ? '1 in the room' : `${people.length} in the room`
    this.list.replaceChildren(...people.map((p) => this.item(p)))
  }

  private item(p: Present): HTMLLIElement {
    const tags = [p.host ? 'host' : '', p.self ? 'you' : '', p.away ? 'reconnecting' : ''].filter(
      (t) => t !== ''
    )
    const controls =
      this.actions !== undefined && !p.self && !p.host
        ? h(
            'span',
            { class: 'member-actions' },
            button('Kick', () => this.actions?.kick(p.nick), { 'aria-label': `Kick ${p.nick}` }),
            button('Ban', () => this.actions?.ban(p.nick), { 'aria-label': `Ban ${p.nick}`, class: 'danger' })
          )
        : null
    return h(
      'li',
      { class: p.away ? 'member away' : 'member', 'data-peer': p.peerId },
      h(
        'span',
        { class: 'member-name' },
        this.paint.nick(p.nick),
        tags.length > 0 ? h('span', { class: 'tags' }, ` (${tags.join(', ')})`) : null
      ),
      h('code', { class: 'fingerprint', title: 'key fingerprint: compare it aloud' }, p.fingerprint),
      controls
    )
  }
}
