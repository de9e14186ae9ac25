/**
 * Text from the network (messages, nicknames, the host's question, refusal reasons) is shown on a
 * terminal: control characters could move the cursor, recolour or retitle it, and bidirectional
 * overrides could make text read differently from what it is. They are made visible or dropped.
 */

// C0 controls but tab and newline, DEL, C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g
// Bidi embeddings, overrides and isolates (Trojan Source), and the marks.
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** One line of display text: controls become U+FFFD, newlines "↵", tabs a space, bidi controls vanish. */
export function displayText(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ↵ ')
    .replace(/\t/g, ' ')
    .replace(CONTROLS, '\ufffd')
    .replace(BIDI, '')
}
