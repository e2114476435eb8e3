/*
 * A main for the fuzz targets where libFuzzer is not available (gcc
 * builds): runs the target once on each file named on the command line,
 * or on each file of each directory named, so that `meson test` replays
 * the seed corpora (tests/fuzz/corpus/) under every build, sanitizers
 * included.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    size_t n = 0, cap = 0, got;

    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    do {
        if (n == cap) {
            unsigned char *q = realloc(p, cap = cap ? 2 * cap : 4096);
            if (!q) {
                free(p);
                fclose(f);
                return 1;
            }
            p = q;
        }
        got = fread(p + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    LLVMFuzzerTestOneInput(p, n);
    free(p);
    return 0;
}

int main(int argc, char **argv)
{
    int bad = 0, runs = 0;

    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "cannot open %s\n", argv[i]);
            bad = 1;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            bad |= run_file(argv[i]);
            runs++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            char path[4096];
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            bad |= run_file(path);
            runs++;
        }
        if (d)
            closedir(d);
    }
    printf("%d inputs run\n", runs);
    return bad || runs == 0;
}
