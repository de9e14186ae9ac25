/**
 * @module Nicknames on the page in the terminal's colours: the same palette and the same rule
 * (src/cli/colours.ts), so a member has one colour in the terminal and in the browser.
 */
import { NickColours } from '../cli/colours.js'
import { h } from './dom.js'
import { xtermHex } from './text.js'

export class NickPainter {
  private colours = new NickColours()

  /**
   * The nickname in its colour, isolated from the text around it (`<bdi>`), so a right-to-left name
   * cannot reorder the line it stands in. The colour is a CSS custom property set through the CSSOM,
   * which the page's CSP allows (a `style` attribute in markup it would not).
   */
  nick(nick: string, extraClass = ''): HTMLElement {
    const element = h('bdi', { class: `nick ${extraClass}`.trim() }, nick)
    element.style.setProperty('--nick', xtermHex(this.colours.colourOf(nick)))
    return element
  }

  /** A member is present: it takes its colour now, so members keep theirs in the order they came. */
  claim(nick: string): void {
    this.colours.colourOf(nick)
  }

  /** A member left: its colour is free for whoever comes next. */
  release(nick: string): void {
    this.colours.release(nick)
  }

  reset(): void {
    this.colours = new NickColours()
  }
}
