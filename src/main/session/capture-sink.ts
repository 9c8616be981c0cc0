// What the pcap and pcapng scanners hand to the index builder.

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
  note(key: string, text: string): void
}

export interface ScanResult {
  truncated?: { atOffset: number; reason: string }
}

export function describeSize(n: number): string {
  if (n < 1024) return `${n} bytes`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}
