/* The population API (<phs/population.h>) in one page: read visit records,
 * compute a period's indicators, print each with its parts and the first
 * residents whose numerator could not be decided.
 *
 *   district RULES VISITS FROM TO
 *   district rules examples/visits.csv 2024-01-01 2024-12-31
 *
 * Prints one line per indicator: id, numerator, denominator, undecided,
 * excluded, and up to three undecided resident ids. */
#include <stdio.h>
#include <string.h>

#include <phs/population.h>

static int fail(const char *what)
{
    fprintf(stderr, "district: %s: %s\n", what,
            phs_error_message(phs_error_last()));
    return 1;
}

int main(int argc, char **argv)
{
    phs_ruleset *rs = NULL;
    phs_reader *rd = NULL;
    phs_population *pop = NULL;
    phs_indicators *ind = NULL;
    phs_date from, to;
    size_t refused = 0;
    int rc = 1;

    if (argc != 5) {
        fputs("usage: district RULES VISITS FROM TO\n", stderr);
        return 2;
    }
    if (phs_date_parse(&from, argv[3], strlen(argv[3])) != PHS_OK ||
        phs_date_parse(&to, argv[4], strlen(argv[4])) != PHS_OK) {
        fputs("district: FROM and TO are dates YYYY-MM-DD\n", stderr);
        return 2;
    }
    if (phs_ruleset_load_dir(&rs, argv[1], NULL) != PHS_OK)
        return fail("loading the rules");
    if (phs_reader_open(&rd, rs, argv[2], PHS_FORMAT_AUTO) != PHS_OK) {
        rc = fail("opening the visits");
        goto done;
    }
    /* every visit: classified once, one compact row kept per visit */
    if (phs_population_new(&pop, rs) != PHS_OK ||
        phs_population_add_reader(pop, rd, &refused) != PHS_OK) {
        rc = fail("reading the visits");
        goto done;
    }
    if (phs_population_indicators(pop, from, to, &ind) != PHS_OK) {
        rc = fail("computing the indicators");
        goto done;
    }
    printf("%zu residents, %zu visits, %zu records refused\n",
           phs_population_resident_count(pop),
           phs_population_visit_count(pop), refused);
    for (size_t i = 0; i < phs_indicators_count(ind); i++) {
        size_t und = phs_indicators_undecided(ind, i);
        printf("%s %zu/%zu undecided %zu excluded %zu",
               phs_indicators_id(ind, i), phs_indicators_numerator(ind, i),
               phs_indicators_denominator(ind, i), und,
               phs_indicators_excluded(ind, i));
        for (size_t k = 0; k < und && k < 3; k++)
            printf(" %s", phs_indicators_resident(ind, i,
                                                  PHS_COUNTED_UNDECIDED, k));
        putchar('\n');
    }
    rc = 0;
done:
    phs_indicators_free(ind);
    phs_population_free(pop);
    phs_reader_free(rd);
    phs_ruleset_free(rs);
    return rc;
}
