/* T_TIME_SCALE: the factor time limits in the tests are multiplied by.
 * Those limits catch hangs and quadratic blow-ups; under valgrind
 * everything runs tens of times slower. */
#ifndef PHS_TEST_TIME_SCALE_H
#define PHS_TEST_TIME_SCALE_H

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define T_TIME_SCALE (RUNNING_ON_VALGRIND ? 100.0 : 1.0)
#endif
#endif
#ifndef T_TIME_SCALE
#define T_TIME_SCALE 1.0
#endif

#endif
