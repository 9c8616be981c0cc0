// Which page may talk to the engine over IPC and navigate the window (issue 10, item 8): the
// built renderer file exactly, or the dev server's origin; compared by parsed parts, never by
// string prefix.
import { describe, expect, it } from 'vitest'
import { pathToFileURL } from 'node:url'
import { isOwnPage } from '../src/main/security'

const rendererFile = '/opt/np/resources/app/out/renderer/index.html'
const own = pathToFileURL(rendererFile).href

describe('isOwnPage', () => {
  it('trusts the renderer file, with a query or a fragment', () => {
    expect(isOwnPage(own, { rendererFile })).toBe(true)
    expect(isOwnPage(`${own}?lang=zh#x`, { rendererFile })).toBe(true)
  })

  it('does not trust a file a prefix test would have let through, another file, or another scheme', () => {
    expect(isOwnPage(`${own}.evil.html`, { rendererFile })).toBe(false)
    expect(isOwnPage(pathToFileURL('/opt/np/resources/app/out/renderer/other.html').href, { rendererFile })).toBe(false)
    expect(isOwnPage(`https://example.com/opt/np/resources/app/out/renderer/index.html`, { rendererFile })).toBe(false)
    expect(isOwnPage('not a url', { rendererFile })).toBe(false)
  })

  it('in development, trusts the dev server origin and nothing that only starts like it', () => {
    const devUrl = 'http://localhost:5173'
    expect(isOwnPage('http://localhost:5173/', { rendererFile, devUrl })).toBe(true)
    expect(isOwnPage('http://localhost:5173/src/main.tsx?x=1', { rendererFile, devUrl })).toBe(true)
    expect(isOwnPage('http://localhost:51730/', { rendererFile, devUrl })).toBe(false)
    expect(isOwnPage('http://localhost:5173.evil.example/', { rendererFile, devUrl })).toBe(false)
    expect(isOwnPage('http://localhost:5173@evil.example/', { rendererFile, devUrl })).toBe(false)
  })
})
