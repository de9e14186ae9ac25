/**
 * The restriction rules of Unicode TR 39 section 5 that a nickname must meet on its own, with no other
 * name to compare it with (PROTOCOL.md 6.5, rules 6 to 8): one script, and combining marks that
 * belong to the letter they sit on.
 *
 * Why on its own: the look-alike check compares a new name with the names present, so it only
 * protects whoever arrived first. An impostor who joins before the real `alice`, as Cyrillic
 * `аlice`, is refused by nobody, and the real `alice` is then the one turned away. No genuine name
 * mixes Latin and Cyrillic letters, or carries a Thai mark on a Latin letter, or stacks sixteen
 * graves, so refusing such names outright closes that order of arrival without refusing anyone real.
 *
 * Pure and isomorphic: Unicode properties of JS regular expressions only.
 */

/** At most this many combining marks in a row (TR 39 5.4 suggests four nonspacing marks; three serve every script's names). */
export const MAX_COMBINING_MARKS = 3

export type ScriptProblem = 'mixed-script' | 'foreign-mark' | 'stacked-marks'

/**
 * ISO 15924 codes of the scripts of Unicode 17, Common (`Zyyy`) and Inherited (`Zinh`) aside. A
 * code the engine does not know (an older one, or a script newer than its Unicode data) is left out
 * when the module loads, and its letters fall in the "other" bucket below.
 */
const SCRIPT_CODES =
  `Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Berf Bhks Bopo Brah Brai Bugi
  Buhd Cakm Cans Cari Cham Cher Chis Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba
  Elym Ethi Gara Geor Glag Gong Gonm Goth Gran Grek Gujr Gukh Guru Hang Hani Hano Hatr Hebr Hira
  Hluw Hmng Hmnp Hung Ital Java Kali Kana Kawi Khar Khmr Khoj Kits Knda Krai Kthi Lana Laoo Latn
  Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend Merc Mero Mlym Modi Mong
  Mroo Mtei Mult Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Onao Orkh Orya Osge Osma Ougr
  Palm Pauc Perm Phag Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd
  Sidt Sind Sinh Sogd Sogo Sora Soyo Sund Sunu Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Tayo
  Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa Todr Tols Toto Tutg Ugar Vaii Vith Wara Wcho Xpeo Xsux
  Yezi Yiii Zanb`.split(/\s+/)

/**
 * One script, its regular expressions compiled when first used: compiling all of them costs tens of
 * milliseconds at load, and most are never needed but to look a first letter up.
 */
class Script {
  #at: RegExp | null | undefined
  #only: RegExp | undefined

  constructor(
    readonly code: string,
    /** A class of the code points with this script among their Script_Extensions. */
    readonly property: string
  ) {}

  /** Sticky: whether the code point at `lastIndex` has this script; `null` if the engine does not know it. */
  get at(): RegExp | null {
    if (this.#at === undefined) {
      try {
        this.#at = new RegExp(this.property, 'uy')
      } catch {
        this.#at = null
      }
    }
    return this.#at
  }

  /** Whether every character of a name has this script, or none, or is a mark. */
  get only(): RegExp {
    this.#only ??= new RegExp(`^(?:${this.property}|[\\p{scx=Zyyy}\\p{scx=Zinh}\\p{M}])*$`, 'u')
    return this.#only
  }
}

const SCRIPTS: readonly Script[] = SCRIPT_CODES.map((code) => new Script(code, `\\p{scx=${code}}`))

let other: Script | undefined

/**
 * Any script the list or the engine does not know, as one bucket: such letters may not mix with a
 * known script, though two unknown ones are not told apart.
 */
function otherScript(): Script {
  other ??= new Script(
    'other',
    `[^${SCRIPTS.filter((script) => script.at !== null)
      .map((script) => script.property)
      .join('')}\\p{scx=Zyyy}\\p{scx=Zinh}]`
  )
  return other
}

const byCode = (code: string): Script => SCRIPTS.find((s) => s.code === code) as Script

/** Code points that belong to no script in particular: ASCII digits, `_ . -`, the Inherited marks. */
const NO_SCRIPT = /[\p{scx=Zyyy}\p{scx=Zinh}]/uy
const MARK = /\p{M}/uy
const MARKS = /\p{M}/gu
const LETTER = /\p{L}/uy

/**
 * The scripts that may share a name (TR 39 5.2, Highly Restrictive): Japanese, Chinese and Korean
 * writing, each with Latin.
 */
const COMBINATIONS: readonly (readonly Script[])[] = [
  ['Latn', 'Hani', 'Hira', 'Kana'],
  ['Latn', 'Hani', 'Bopo'],
  ['Latn', 'Hani', 'Hang']
].map((codes) => codes.map(byCode))

const COMBINATION_TESTS = COMBINATIONS.map(
  (scripts) =>
    new RegExp(
      `^[${scripts.map((s) => `\\p{scx=${s.code}}`).join('')}\\p{scx=Zyyy}\\p{scx=Zinh}\\p{M}]*$`,
      'u'
    )
)

/**
 * The general-purpose combining blocks (Combining Diacritical Marks and its Extended and Supplement
 * blocks, the marks for symbols, the half marks): a mark from them is admitted only if `DIACRITIC`.
 */
const GENERAL_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/uy

/**
 * The diacritics of living orthographies among them, modelled on the marks TR 39 classes as
 * Identifier_Status=Allowed, without the overlays (U+0335, U+0338: `o` + U+0338 is `ø`; TR 39 5.4).
 * Left out, among others: U+0305 overline (a macron's twin), U+0358 dot above right, the medieval
 * superscript letters U+0363–U+036F, the double marks that span two letters, U+1DFB deletion mark.
 */
const DIACRITIC =
  /[\u0300-\u0304\u0306-\u030c\u030f\u0311\u0313\u0314\u031b\u0323-\u0328\u032d\u032e\u0330\u0331\u0339\u0342\u0345]/uy

/** U+0307 dot above on a letter that has its dot already (`i`, `j`, Cyrillic `і`): shows the letter alone (TR 39 5.4). */
const SOFT_DOTTED = /\p{Soft_Dotted}/uy
/** Dotless `ı` and `ȷ` take no mark: with a dot above or a diaeresis they are `i`, `ï`, `j`. */
const DOTLESS = /[\u0131\u0237]/uy

function at(pattern: RegExp | null, text: string, index: number): boolean {
  if (pattern === null) return false
  pattern.lastIndex = index
  return pattern.test(text)
}

/**
 * The scripts every scripted character of `name` has in common (TR 39's resolved script set, marks
 * left to `markProblem`): those of the first one that all the others have too; else the allowed
 * combination that covers the name; else `undefined`. Empty when no character has a script of its
 * own (`_42`).
 */
function resolveScripts(name: string): readonly Script[] | undefined {
  let first = 0
  while (first < name.length && (at(MARK, name, first) || at(NO_SCRIPT, name, first))) {
    first += (name.codePointAt(first) as number) > 0xffff ? 2 : 1
  }
  if (first === name.length) return []
  const scripts = scriptsOf(name, first).filter((script) => script.only.test(name))
  if (scripts.length > 0) return scripts
  return COMBINATIONS.find((_, index) => COMBINATION_TESTS[index]?.test(name))
}

/** Scripts of code points seen, as finding them tests every script; bounded, as names are untrusted. */
const scriptCache = new Map<number, readonly Script[]>()
const SCRIPT_CACHE_SIZE = 4096

/** The Script_Extensions of the code point at `index`, as the scripts of `SCRIPTS`. */
function scriptsOf(name: string, index: number): readonly Script[] {
  const codePoint = name.codePointAt(index) as number
  let scripts = scriptCache.get(codePoint)
  if (scripts === undefined) {
    scripts = SCRIPTS.filter((script) => at(script.at, name, index))
    if (scripts.length === 0) scripts = [otherScript()]
    if (scriptCache.size >= SCRIPT_CACHE_SIZE) scriptCache.clear()
    scriptCache.set(codePoint, scripts)
  }
  return scripts
}

/** Whether the mark at `index` may sit on the letter at `base`, in a name written in `scripts`. */
function markFits(name: string, index: number, base: number, scripts: readonly Script[]): boolean {
  if (base < 0 || !at(LETTER, name, base) || at(DOTLESS, name, base)) return false
  if (at(GENERAL_MARKS, name, index) && !at(DIACRITIC, name, index)) return false
  if (name.codePointAt(index) === 0x307 && at(SOFT_DOTTED, name, base)) return false
  return scripts.some((script) => at(script.at, name, index) && at(script.at, name, base))
}

/**
 * Whether the letter at `base` with the marks after it, up to `end`, stacks too many marks or one
 * twice. Counted decomposed, so a precomposed `á` followed by U+0301 is the acute twice.
 */
function stacked(name: string, base: number, end: number): boolean {
  const marks = name.slice(base, end).normalize('NFD').match(MARKS) ?? []
  return marks.length > MAX_COMBINING_MARKS || new Set(marks).size < marks.length
}

function markProblem(name: string, scripts: readonly Script[]): ScriptProblem | undefined {
  let base = -1
  let marked = false
  for (let i = 0; i <= name.length; ) {
    if (i === name.length || !at(MARK, name, i)) {
      if (marked && stacked(name, base, i)) return 'stacked-marks'
      if (i === name.length) break
      base = i
      marked = false
    } else {
      if (!markFits(name, i, base, scripts)) return 'foreign-mark'
      marked = true
    }
    i += (name.codePointAt(i) as number) > 0xffff ? 2 : 1
  }
  return undefined
}

/**
 * What TR 39's restriction rules find wrong with an NFC nickname of letters, digits, marks and
 * `_ . -`, or `undefined`:
 * - `mixed-script`: its letters (and script-specific digits) do not share one script, Common and
 *   Inherited characters aside, unless the name is Latin with Han and kana, Han and Bopomofo, or Han
 *   and Hangul (TR 39 5.2, Highly Restrictive).
 * - `foreign-mark`: a combining mark does not follow a letter, does not belong (Script_Extensions) to
 *   the letter's script, is a general-purpose mark other than the common diacritics, or hides in the
 *   letter (a dot above on `i`, any mark on dotless `ı`) (TR 39 5.4).
 * - `stacked-marks`: a letter with more than `MAX_COMBINING_MARKS` marks, or one mark twice, counted
 *   in the decomposed form (TR 39 5.4).
 */
export function scriptProblem(name: string): ScriptProblem | undefined {
  const scripts = resolveScripts(name)
  if (scripts === undefined) return 'mixed-script'
  return markProblem(name, scripts)
}
