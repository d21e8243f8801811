#ifndef PROTALENT_CRC32C_H
#define PROTALENT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Whether this processor has the CRC-32C instruction (x86-64 SSE 4.2) that
/// `protalent_crc32c_update` uses; when it has not, callers use their own table-driven code.
int protalent_crc32c_hardware(void);

/// Continues the CRC-32C (Castagnoli) `crc` of earlier bytes over `count` bytes at `bytes`
/// (start with 0), with the processor's instruction. Only call it when
/// `protalent_crc32c_hardware()` is non-zero.
uint32_t protalent_crc32c_update(uint32_t crc, const void *bytes, size_t count);

#endif
