// Numbers of the session file format (docs/session-format.md).

export const BT_SHB = 0x0a0d0d0a
export const BT_IDB = 0x00000001
export const BT_OPB = 0x00000002
export const BT_SPB = 0x00000003
export const BT_EPB = 0x00000006
/** Custom Blocks: only read, in files of format version 1 (see LEGACY_PEN). */
export const BT_CUSTOM = 0x00000bad
export const BT_CUSTOM_NOCOPY = 0x40000bad
/**
 * Our record block (format version 2): a block type of the local-use range (bit 31 set;
 * 0x4e50 is "NP"), which Wireshark skips without a row or a warning. Its body is RECORD_TAG
 * and a JSON record.
 */
export const BT_RECORD = 0x80004e50
/** The first 8 bytes of a record block's body: tells our blocks from another program's local-use block of the same type. */
export const RECORD_TAG = 'NetPlay:'

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d

export const OPT_COMMENT = 1
export const OPT_CUSTOM_BIN = 2989
export const OPT_CUSTOM_BIN_NOCOPY = 19373
/**
 * Our per-packet option (format version 2): an option code of the local-use range (bit 15
 * set); value: flow (uint32) and kind (uint8), 5 bytes. Trusted only in a section that holds
 * our record blocks.
 */
export const OPT_FLOW = 0xce50
export const SHB_OS = 3
export const SHB_USERAPPL = 4
export const IF_NAME = 2
export const IF_DESCRIPTION = 3
export const IF_TSRESOL = 9
export const IF_TSOFFSET = 14
export const EPB_FLAGS = 2

/**
 * RFC 5612's Private Enterprise Number for documentation, which format version 1 used in its
 * custom blocks and options. Only read (old files); version 2 needs no PEN.
 */
export const LEGACY_PEN = 32473

export const LINKTYPE_NULL = 0
export const LINKTYPE_ETHERNET = 1
export const LINKTYPE_RAW_12 = 12
export const LINKTYPE_RAW_14 = 14
export const LINKTYPE_RAW = 101
export const LINKTYPE_LOOP = 108
export const LINKTYPE_LINUX_SLL = 113
export const LINKTYPE_IPV4 = 228
export const LINKTYPE_IPV6 = 229
export const LINKTYPE_LINUX_SLL2 = 276

/** No block (and no pcap record) may be larger than this; a larger length means a corrupt file. */
export const MAX_BLOCK = 64 * 1024 * 1024

/** Bits of the `kind` byte in our per-packet custom option. */
export const KIND_DATA = 0x01
export const KIND_MORE = 0x02
export const KIND_OUT = 0x04

/** The session format version written in the {"t":"session"} record (1: custom blocks with LEGACY_PEN; 2: record blocks and packet comments). */
export const FORMAT_VERSION = 2
