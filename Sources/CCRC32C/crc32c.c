// CRC-32C with the SSE 4.2 instruction: eight bytes per instruction, several times the speed of
// the slicing-by-8 tables (which remain the fallback, in Swift).
#include "crc32c.h"
#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>

int protalent_crc32c_hardware(void) {
    return __builtin_cpu_supports("sse4.2");
}

__attribute__((target("sse4.2")))
uint32_t protalent_crc32c_update(uint32_t crc, const void *bytes, size_t count) {
    const unsigned char *next = bytes;
    uint64_t state = (uint32_t)~crc;
    while (count >= 8) {
        uint64_t word;
        memcpy(&word, next, 8); // unaligned load
        state = _mm_crc32_u64(state, word);
        next += 8;
        count -= 8;
    }
    uint32_t tail = (uint32_t)state;
    while (count > 0) {
        tail = _mm_crc32_u8(tail, *next);
        next += 1;
        count -= 1;
    }
    return ~tail;
}
#else
int protalent_crc32c_hardware(void) { return 0; }

uint32_t protalent_crc32c_update(uint32_t crc, const void *bytes, size_t count) {
    (void)bytes;
    (void)count;
    return crc; // never called: protalent_crc32c_hardware() is 0
}
#endif
