/** Compatibility case folding, so that text a reader calls "the same" compares equal: width, ligatures and case are dropped. */

/**
 * NFKC, then case folding, then NFKC again.
 *
 * NFKC maps compatibility forms to their plain letters (fullwidth `ａ` → `a`, the ligature `ﬁ` →
 * `fi`, `ℌ` → `H`).
 *
 * Case folding: JavaScript has no full Unicode case fold, so it is approximated by
 * `toLowerCase().toUpperCase().toLowerCase()` (locale-independent, unlike `toLocale*Case`). The
 * upper-case pass applies the one-to-many mappings a plain `toLowerCase` skips, so "Straße",
 * "STRASSE" and "strasse" match (ß → SS → ss), and capital ẞ reaches the same place through the
 * first `toLowerCase`. Greek sigma ends up contextual (σ inside a word, ς at its end) however it was
 * typed. One deliberate leniency beyond Unicode folding: dotless ı matches i.
 *
 * The second NFKC re-composes anything the case mapping decomposed (İ → i + U+0307).
 */
export function compatibilityFold(text: string): string {
  return text.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().normalize('NFKC')
}
