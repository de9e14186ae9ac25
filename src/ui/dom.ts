/**
 * @module Building the page's elements. Text is always a text node and attributes are set one by
 * one, never parsed from markup: whatever a message, nickname or file name holds shows as characters.
 */

export type Child = Node | string | number | null | undefined | false
export type Attributes = Record<string, string | number | boolean | undefined>

/**
 * An element with attributes and children. `class` sets the class name, `true` an empty attribute,
 * `false` and `undefined` nothing. Event handler attributes are refused: handlers are added with
 * addEventListener (the page's CSP runs no inline code anyway, this keeps the mistake from being made).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (/^on/i.test(name) || name === 'style') throw new Error(`h(): attribute "${name}" is not allowed`)
    if (value === undefined || value === false) continue
    if (name === 'class') element.className = String(value)
    else element.setAttribute(name, value === true ? '' : String(value))
  }
  append(element, ...children)
  return element
}

/** Appends children; strings and numbers as text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)))
  }
}

/** A `<button type="button">` that calls `onClick`. */
export function button(label: string, onClick: () => void, attributes: Attributes = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attributes }, label)
  b.addEventListener('click', onClick)
  return b
}

/** The element index.html gives this id; its absence is a build mistake, said as such. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`#${id} is missing from index.html`)
  return element as T
}

/** Shows or hides an element (the `hidden` attribute, which the stylesheet also honours). */
export function show(element: HTMLElement, visible: boolean): void {
  element.hidden = !visible
}

/** Copies text to the clipboard; the page is a secure context (loopback), so the async API is there. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}
