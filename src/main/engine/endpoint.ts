import type { AddressInfo } from 'node:net'
import type { Endpoint } from '../../shared/contract'

export function toEndpoint(address: string | undefined, port: number | undefined, family?: string | number): Endpoint {
  const fam = family === 'IPv6' || family === 6 || (family === undefined && (address ?? '').includes(':')) ? 'IPv6' : 'IPv4'
  return { address: address ?? '', port: port ?? 0, family: fam }
}

export function fromAddressInfo(info: AddressInfo | string | null): Endpoint {
  if (info === null || typeof info === 'string') return toEndpoint(info ?? '', 0)
  return toEndpoint(info.address, info.port, info.family)
}
