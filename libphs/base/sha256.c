/* SHA-256 (FIPS 180-4), for rule-set fingerprints.  Blocks are compressed
 * with the x86 SHA extensions when the CPU has them (SHA-NI: about ten
 * times fewer instructions per byte), else by the portable code below; both
 * give the same digest (tests/test_internal.c checks them against each other
 * and against the FIPS vectors). */
#include <stdatomic.h>
#include <string.h>

#include "base.h"

#if (defined(__x86_64__) || defined(__i386__)) &&                            \
    (defined(__GNUC__) || defined(__clang__))
#define PHS_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void blocks_portable(uint32_t hs[8], const unsigned char *p, size_t n)
{
    for (; n > 0; n--, p += 64) {
        uint32_t w[64], a, b, c, d, e, f, g, h;
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
                   (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 =
                ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 =
                ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        a = hs[0]; b = hs[1]; c = hs[2]; d = hs[3];
        e = hs[4]; f = hs[5]; g = hs[6]; h = hs[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
                          ((e & f) ^ (~e & g)) + K[i] + w[i];
            uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
                          ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        hs[0] += a; hs[1] += b; hs[2] += c; hs[3] += d;
        hs[4] += e; hs[5] += f; hs[6] += g; hs[7] += h;
    }
}

#ifdef PHS_SHANI
/* The SHA extensions keep the state as two vectors, ABEF and CDGH (A in the
 * highest lane).  Four rounds: two sha256rnds2, each taking two words of
 * (message + K); the next four message words come from the last sixteen by
 * sha256msg1 (sigma0 part), the w[t-7] words, and sha256msg2 (sigma1). */
#define QUAD(i, w0, w1, w2, w3)                                                \
    do {                                                                       \
        __m128i m_ = _mm_add_epi32(                                            \
            w0, _mm_loadu_si128((const __m128i *)&K[4 * (i)]));               \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m_);                          \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(m_, 0x0E)); \
        if ((i) < 12)                                                          \
            w0 = _mm_sha256msg2_epu32(                                         \
                _mm_add_epi32(_mm_sha256msg1_epu32(w0, w1),                    \
                              _mm_alignr_epi8(w3, w2, 4)),                     \
                w3);                                                           \
    } while (0)

__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks_shani(uint32_t hs[8], const unsigned char *p, size_t n)
{
    const __m128i bswap =
        _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&hs[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&hs[4]);
    __m128i badc = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    /* cdgh swaps the roles: after two rounds the old ABEF is the new CDGH */
    __m128i abef = _mm_alignr_epi8(badc, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, badc, 0xF0);
    for (; n > 0; n--, p += 64) {
        __m128i abef0 = abef, cdgh0 = cdgh;
        __m128i w0 = _mm_shuffle_epi8(
            _mm_loadu_si128((const __m128i *)(p + 0)), bswap);
        __m128i w1 = _mm_shuffle_epi8(
            _mm_loadu_si128((const __m128i *)(p + 16)), bswap);
        __m128i w2 = _mm_shuffle_epi8(
            _mm_loadu_si128((const __m128i *)(p + 32)), bswap);
        __m128i w3 = _mm_shuffle_epi8(
            _mm_loadu_si128((const __m128i *)(p + 48)), bswap);
        QUAD(0, w0, w1, w2, w3);
        QUAD(1, w1, w2, w3, w0);
        QUAD(2, w2, w3, w0, w1);
        QUAD(3, w3, w0, w1, w2);
        QUAD(4, w0, w1, w2, w3);
        QUAD(5, w1, w2, w3, w0);
        QUAD(6, w2, w3, w0, w1);
        QUAD(7, w3, w0, w1, w2);
        QUAD(8, w0, w1, w2, w3);
        QUAD(9, w1, w2, w3, w0);
        QUAD(10, w2, w3, w0, w1);
        QUAD(11, w3, w0, w1, w2);
        QUAD(12, w0, w1, w2, w3);
        QUAD(13, w1, w2, w3, w0);
        QUAD(14, w2, w3, w0, w1);
        QUAD(15, w3, w0, w1, w2);
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&hs[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&hs[4], _mm_alignr_epi8(dchg, feba, 8));
}
#undef QUAD

/* 1: the CPU has SHA-NI, SSE4.1 and SSSE3; 0: it lacks one; -1: not asked
 * yet (cpuid may trap to a hypervisor: ask once). */
static atomic_int shani = -1;

static int have_shani(void)
{
    int v = atomic_load_explicit(&shani, memory_order_relaxed);
    if (v < 0) {
        unsigned a, b, c, d;
        v = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) &&
            (c & bit_SSSE3) && __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
            (b & bit_SHA);
        atomic_store_explicit(&shani, v, memory_order_relaxed);
    }
    return v;
}
#else
static int have_shani(void) { return 0; }
#endif

static void blocks(phs__sha256 *s, const unsigned char *p, size_t n)
{
#ifdef PHS_SHANI
    if (s->accel) {
        blocks_shani(s->h, p, n);
        return;
    }
#endif
    blocks_portable(s->h, p, n);
}

void phs__sha256_init(phs__sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                   0xa54ff53a, 0x510e527f, 0x9b05688c,
                                   0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->len = 0;
    s->nblk = 0;
    s->accel = have_shani();
}

void phs__sha256_update(phs__sha256 *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    s->len += n;
    if (s->nblk > 0) {
        size_t take = 64 - s->nblk < n ? 64 - s->nblk : n;
        memcpy(s->blk + s->nblk, p, take);
        s->nblk += take;
        p += take;
        n -= take;
        if (s->nblk < 64)
            return;
        blocks(s, s->blk, 1);
        s->nblk = 0;
    }
    if (n >= 64) {
        blocks(s, p, n / 64);
        p += n / 64 * 64;
        n %= 64;
    }
    memcpy(s->blk, p, n);
    s->nblk = n;
}

void phs__sha256_final(phs__sha256 *s, unsigned char out[32])
{
    uint64_t bits = s->len * 8;
    s->blk[s->nblk++] = 0x80;
    if (s->nblk > 56) {
        memset(s->blk + s->nblk, 0, 64 - s->nblk);
        blocks(s, s->blk, 1);
        s->nblk = 0;
    }
    memset(s->blk + s->nblk, 0, 56 - s->nblk);
    for (int i = 0; i < 8; i++)
        s->blk[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
    blocks(s, s->blk, 1);
    s->nblk = 0;
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(s->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)s->h[i];
    }
}
