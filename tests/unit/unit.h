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

#endif
