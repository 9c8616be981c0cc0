// A record larger than the screen's batch goes to the screen in pieces (the recorder still gets
// it whole): the engine cuts it here, the renderer draws the pieces as one message. Each piece
// lies within one of the record's parts (or the record, without parts) and starts at a multiple
// of the piece size from that part's start, a multiple of 16, so hex rows stay whole and their
// offsets simply continue from one piece to the next.
import type { TrafficRecord } from './contract'

export interface RecordBytes {
  rec: TrafficRecord
  bytes: Uint8Array
}

/** The lengths a record's bytes are made of: its parts', or its own. */
const spans = (rec: TrafficRecord, len: number): number[] => (rec.parts?.length ? rec.parts.map((p) => p.len) : [len])

/** `rec` (whose bytes are `bytes`) as records of at most `max` bytes each, in order; one that fits stays as it is. */
export function splitRecord(rec: TrafficRecord, bytes: Uint8Array, max: number): RecordBytes[] {
  if (bytes.byteLength <= max) return [{ rec, bytes }]
  const size = Math.max(16, max - (max % 16))
  const of = bytes.byteLength
  const out: RecordBytes[] = []
  let start = 0
  for (const len of spans(rec, of)) {
    for (let off = 0; off < len; off += size) {
      const at = start + off
      const piece = bytes.subarray(at, Math.min(start + len, at + size))
      out.push({ rec: { ...rec, len: piece.byteLength, piece: { at, of } }, bytes: piece })
    }
    start += len
  }
  return out
}

/** Where a record's piece lies in the whole record: [at, end) of `of` bytes. */
export interface PieceRange {
  at: number
  end: number
  of: number
}

export function pieceRange(rec: TrafficRecord, bytes: Uint8Array): PieceRange {
  const at = rec.piece?.at ?? 0
  return { at, end: at + bytes.byteLength, of: rec.piece?.of ?? rec.len }
}

/** The part of a record a person reads (the payload: incoming last, outgoing first) as [start, end) of the whole record, or the whole record. */
export function mainSpan(rec: TrafficRecord): { index?: number; start: number; end: number } {
  if (!rec.parts?.length) return { start: 0, end: rec.piece?.of ?? rec.len }
  const index = rec.dir === 'in' ? rec.parts.length - 1 : 0
  let start = 0
  for (let i = 0; i < index; i++) start += rec.parts[i]!.len
  return { index, start, end: start + rec.parts[index]!.len }
}
