/* unit.h: shared set-up for the cmocka unit tests: run the front end over
 * a policy held in a string and look at the AST, model and diagnostics. */
#ifndef BERTH_UNIT_H
#define BERTH_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "load.h"
#include "model.h"
#include "parse.h"

typedef struct {
    arena mem;
    diag_sink diags;
    program prog;
    model m;
    source *src;
} pipeline;

/* Parse only. */
static inline void unit_parse(pipeline *p, const char *text)
{
    arena_init(&p->mem);
    diag_init(&p->diags, &p->mem);
    program_init(&p->prog);
    size_t len = strlen(text);
    p->src = source_new(&p->mem, "t.ports", "", ".", arena_strndup(&p->mem, text, len), len, 0);
    import_decl *imports;
    parse_source(&p->mem, &p->diags, p->src, &p->prog, &imports);
}

/* Parse, resolve and elaborate; diagnostics are sorted. */
static inline void unit_run(pipeline *p, const char *text)
{
    unit_parse(p, text);
    model_init(&p->m, &p->mem, &p->diags, &p->prog);
    resolve_program(&p->m);
    elab_program(&p->m);
    diag_finish(&p->diags);
}

static inline void unit_free(pipeline *p) { arena_free(&p->mem); }

/* The index of the first diagnostic of that check, or -1. */
static inline int unit_find(const pipeline *p, check_id ck)
{
    for (size_t i = 0; i < p->diags.count; i++)
        if (p->diags.items[i]->check == ck) return (int)i;
    return -1;
}

/* How many diagnostics of that check there are. */
static inline size_t count_check(const pipeline *p, check_id ck)
{
    size_t n = 0;
    for (size_t i = 0; i < p->diags.count; i++) n += p->diags.items[i]->check == ck;
    return n;
}

/* The diagnostic of that check at line:col; fails the test when there is
 * none, listing what there is. */
static inline const diag *diag_at(const pipeline *p, check_id ck, int line, int col)
{
    for (size_t i = 0; i < p->diags.count; i++) {
        const diag *d = p->diags.items[i];
        if (d->check == ck && loc_line(d->where) == line && loc_col(d->where) == col) return d;
    }
    for (size_t i = 0; i < p->diags.count; i++)
        print_message("  have %s at %d:%d: %s\n", check_table[p->diags.items[i]->check].id,
                      loc_line(p->diags.items[i]->where), loc_col(p->diags.items[i]->where),
                      p->diags.items[i]->message);
    fail_msg("no %s diagnostic at %d:%d", check_table[ck].id, line, col);
    return NULL;
}

/* A small deterministic PRNG (xorshift64*) for property tests; each test
 * binary has its own state. */
static uint64_t rng_state;

static inline void rng_seed(uint64_t s) { rng_state = s ? s : 0x9e3779b97f4a7c15ull; }

static inline uint64_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

#endif
