// Offered file names, made safe to save under.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  FALLBACK_FILE_NAME,
  MAX_SAVED_NAME_BYTES,
  numberedFileName,
  safeFileName
} from '../../src/protocol/file-name.js'

const bytes = (text: string) => new TextEncoder().encode(text).byteLength

describe('safeFileName', () => {
  it('keeps an ordinary name as it is', () => {
    for (const name of [
      'report.pdf',
      'photo 2026-12-01.jpg',
      'Übersicht.xlsx',
      '日本語のファイル.txt',
      'a.b.c.tar.gz'
    ]) {
      assert.equal(safeFileName(name), name)
    }
  })

  it('keeps only the last path component: no way out of the download folder', () => {
    assert.equal(safeFileName('../../.bashrc'), '_bashrc')
    assert.equal(safeFileName('/etc/passwd'), 'passwd')
    assert.equal(safeFileName('..\\..\\windows\\system32\\evil.dll'), 'evil.dll')
    assert.equal(safeFileName('a/b/../c.txt'), 'c.txt')
    for (const name of ['..', '.', '', '/', '../', '   ', '...'])
      assert.equal(safeFileName(name), FALLBACK_FILE_NAME)
  })

  it('neutralises control, bidi and invisible characters and reserved punctuation', () => {
    assert.equal(safeFileName('evil\u202Egnp.exe'), 'evil_gnp.exe')
    assert.equal(safeFileName('line\nbreak\r.txt'), 'line_break_.txt')
    assert.equal(safeFileName('zero\u200Bwidth.txt'), 'zero_width.txt')
    assert.equal(safeFileName('a:b*c?d"e<f>g|h.txt'), 'a_b_c_d_e_f_g_h.txt')
    assert.equal(safeFileName('bell\u0007\u001b[31m.txt'), 'bell__[31m.txt')
  })

  it('does not hide a file, or name a Windows device, or end in a dot or space', () => {
    assert.equal(safeFileName('.profile'), '_profile')
    assert.equal(safeFileName('CON'), '_CON')
    assert.equal(safeFileName('nul.txt'), '_nul.txt')
    assert.equal(safeFileName('com1.log'), '_com1.log')
    assert.equal(safeFileName('console.log'), 'console.log')
    assert.equal(safeFileName('name. . '), 'name')
  })

  it('cuts an over-long name, keeping its extension, never inside a character', () => {
    const long = `${'é'.repeat(300)}.pdf`
    const safe = safeFileName(long)
    assert.ok(bytes(safe) <= MAX_SAVED_NAME_BYTES)
    assert.ok(safe.endsWith('.pdf'))
    assert.ok(safe.startsWith('éé'))
    assert.ok(!safe.includes('\uFFFD'))
  })

  it('whatever it is given, the result is one plain, short, visible component (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (name) => {
        const safe = safeFileName(name)
        assert.ok(safe.length > 0)
        assert.ok(!/[/\\\p{Cc}\p{Cf}]/u.test(safe), safe)
        assert.ok(safe !== '.' && safe !== '..' && !safe.startsWith('.'))
        assert.ok(bytes(safe) <= MAX_SAVED_NAME_BYTES)
        assert.equal(safeFileName(safe), safe, 'stable: a safe name stays as it is')
      }),
      { numRuns: 2000 }
    )
  })
})

describe('numberedFileName', () => {
  it('numbers before the extension', () => {
    assert.equal(numberedFileName('report.pdf', 1), 'report (1).pdf')
    assert.equal(numberedFileName('notes', 2), 'notes (2)')
    assert.equal(numberedFileName('_bashrc', 3), '_bashrc (3)')
  })
})
