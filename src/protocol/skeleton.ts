/** Unicode TR39 confusable skeletons, over Unicode's own confusables.txt as the `unhomoglyph` package ships it. */

// `unhomoglyph/data.json` is confusables.txt turned into { source: prototype } and nothing else
// (Unicode 13.0.0 in unhomoglyph 1.0.6). Importing the data rather than the package's function
// avoids the one 6 000-way regular expression that its entry point builds at load time.
import confusables from 'unhomoglyph/data.json' with { type: 'json' }

const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu

/**
 * Source code point → prototype string. The parsed JSON object is the lookup table itself: a Map
 * copy costs about 5 ms and 225 KiB to build and looks up no faster. `Object.hasOwn`, so that no
 * inherited property can answer.
 */
const PROTOTYPES: Readonly<Record<string, string>> = confusables

function prototypeOf(char: string): string {
  return Object.hasOwn(PROTOTYPES, char) ? PROTOTYPES[char]! : char
}

/**
 * `skeleton(X)` of Unicode TR39 section 4: NFD, drop every default-ignorable code point, replace
 * each code point by its confusables.txt prototype, NFD again. Two strings are confusable when their
 * skeletons are equal.
 *
 * A skeleton is a comparison key only: it mixes scripts freely (`"Alice"` → `"Alice"` but `"I"` →
 * `"l"`, `"m"` → `"rn"`) and is never shown. It is case-sensitive, as TR39 defines it.
 */
export function skeleton(text: string): string {
  let mapped = ''
  for (const char of text.normalize('NFD').replace(DEFAULT_IGNORABLE, '')) mapped += prototypeOf(char)
  return mapped.normalize('NFD')
}
