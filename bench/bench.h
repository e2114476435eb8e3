/*
 * Helpers of the two benchmark programs (phs_bench.c, peers_runner.c): the clock, and
 * failing with a message.  Each program defines BENCH_NAME, its name in messages, before
 * including this.
 */
#ifndef PHS_BENCH_H
#define PHS_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <phs/phs.h>

/* Seconds of a clock (CLOCK_MONOTONIC: wall; CLOCK_THREAD_CPUTIME_ID: this thread's CPU). */
static inline double clock_s(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double now_s(void) { return clock_s(CLOCK_MONOTONIC); }

static inline void die(const char *what)
{
    fprintf(stderr, "%s: %s\n", BENCH_NAME, what);
    exit(1);
}

/* With the message of libphs's last error. */
static inline void die_phs(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", BENCH_NAME, what, phs_error_message(phs_error_last()));
    exit(1);
}

static inline void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory");
    return p;
}

static inline void *xmalloc(size_t n)
{
    return xcalloc(n, 1);
}

#endif
