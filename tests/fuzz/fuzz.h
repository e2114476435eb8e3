/*
 * Shared by the libFuzzer targets of tests/fuzz/: the fuzz dictionary and
 * program (tests/fuzz/fields.yaml, program.yaml, read once), loading a rule
 * set from them, and running a reader to its end through classification
 * and JSON rendering.  Every target checks what the API promises: no crash,
 * no leak (ASan), a status from the documented list, an error message on
 * every failure.
 */
#ifndef PHS_FUZZ_H
#define PHS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "phs/phs.h"

/* The libFuzzer entry points (also called by standalone.c); fuzz.c
 * defines LLVMFuzzerInitialize for every target (it reads the files). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/fuzz/fields.yaml and program.yaml, read once (abort if missing). */
const char *fuzz_dictionary(void);
const char *fuzz_program(void);
/* Load the dictionary and one program text.  Returns the load status;
 * aborts if a failure leaves no message or a success no rule set. */
int fuzz_load(phs_ruleset **out, const char *program, size_t len);
/* The program with its tier `fuzzed` conditioned on expr (escaped into a
 * YAML double-quoted string); malloc'ed, NUL-terminated. */
char *fuzz_program_with(const char *expr, size_t len, size_t *out_len);
/* Read every record of data in format fmt, classifying each one read and
 * rendering its result; aborts on an undocumented status.  Returns the
 * number of records classified. */
size_t fuzz_read_all(const phs_ruleset *rs, const char *data, size_t len,
                     phs_format fmt);
/* Abort with a message (a finding: libFuzzer reports it as a crash). */
void fuzz_fail(const char *what, int rc);

#endif
