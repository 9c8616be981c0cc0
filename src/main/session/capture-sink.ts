// What the pcap and pcapng scanners hand to the index builder.
import type { MessageRef } from '../../shared/i18n'

export interface PacketRecord {
  linkType: number
  /** Undefined for Simple Packet Blocks (they have no timestamp). */
  tNs: bigint | undefined
  /** The captured bytes; a view valid only during the call. */
  data: Uint8Array
  /** File offset of data[0]. */
  dataOffset: number
  origLen: number
  /** Our per-packet option (sessions only): the writer's flow number and the kind bits. */
  ours?: { flow: number; kind: number }
}

export interface CaptureSink {
  packet(p: PacketRecord): void
  /** Any packet record, decodable or not (counted). */
  countPacket(tNs: bigint | undefined): void
  /** A record of ours (a record block, or a version 1 custom block with LEGACY_PEN): its JSON text. */
  json(text: string, offset: number): void
  /** Something skipped or odd; the same message key is noted once. */
  note(ref: MessageRef): void
}

export interface ScanResult {
  /** Where the file stops being readable, and why (a `why.session.cut.*` message). */
  truncated?: { atOffset: number; reason: MessageRef }
}
