/** Writes a pcap of `flows` UDP flows of one datagram each to `path`; returns the file's size. */
export function writeManyUdpFlows(path: string, flows: number): number
