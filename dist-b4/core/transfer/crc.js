/**
 * The CRCs S3 may store as an object's checksum (x-amz-checksum-crc32, -crc32c,
 * -crc64nvme), table-driven and incremental. Each digest is the CRC's bytes,
 * big-endian, as S3 base64-encodes them.
 */
function table32(poly) {
    const table = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
        let c = i;
        for (let k = 0; k < 8; k++)
            c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
        table[i] = c >>> 0;
    }
    return table;
}
/** CRC-64/NVME, reflected polynomial 0x9a6c9329ac4bc9b5, held as two 32-bit halves. */
function table64() {
    const polyHi = 0x9a6c9329;
    const polyLo = 0xac4bc9b5;
    const hi = new Uint32Array(256);
    const lo = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
        let h = 0;
        let l = i;
        for (let k = 0; k < 8; k++) {
            const carry = l & 1;
            l = ((l >>> 1) | (h << 31)) >>> 0;
            h = h >>> 1;
            if (carry) {
                h = (h ^ polyHi) >>> 0;
                l = (l ^ polyLo) >>> 0;
            }
        }
        hi[i] = h;
        lo[i] = l;
    }
    return { hi, lo };
}
const tables = {};
export function createCrc(algorithm) {
    if (algorithm === "crc64nvme") {
        tables.crc64 ??= table64();
        const { hi: tHi, lo: tLo } = tables.crc64;
        let hi = 0xffffffff;
        let lo = 0xffffffff;
        return {
            update(data) {
                for (let i = 0; i < data.length; i++) {
                    const index = (lo ^ data[i]) & 0xff;
                    lo = (((lo >>> 8) | (hi << 24)) ^ tLo[index]) >>> 0;
                    hi = ((hi >>> 8) ^ tHi[index]) >>> 0;
                }
            },
            digest() {
                const out = Buffer.alloc(8);
                out.writeUInt32BE((hi ^ 0xffffffff) >>> 0, 0);
                out.writeUInt32BE((lo ^ 0xffffffff) >>> 0, 4);
                return out;
            },
        };
    }
    if (algorithm === "crc32")
        tables.crc32 ??= table32(0xedb88320);
    else
        tables.crc32c ??= table32(0x82f63b78);
    const table = (algorithm === "crc32" ? tables.crc32 : tables.crc32c);
    let crc = 0xffffffff;
    return {
        update(data) {
            for (let i = 0; i < data.length; i++)
                crc = (table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8)) >>> 0;
        },
        digest() {
            const out = Buffer.alloc(4);
            out.writeUInt32BE((crc ^ 0xffffffff) >>> 0, 0);
            return out;
        },
    };
}
