/* runs.h: which hosts of a site run a role. Takes the model's hosts; gives
 * an index sorted by (instance, role, host) with binary-search lookups, so
 * the bind checks and the host view find a role's hosts in O(log n); and
 * the instances sorted by (site, system), so a role of another system
 * finds that system's instances at a site without a walk over all. */
#ifndef BERTH_RUNS_H
#define BERTH_RUNS_H
#include "model.h"

typedef struct {
    int inst;
    const decl *role;
    const host *h;
} run_entry;

typedef struct {
    run_entry *v;
    size_t n;
} run_index;

run_index runs_index(const model *m);
/* The hosts running role of instance inst: entries [*first, *first + count). */
size_t runs_hosts(const run_index *ix, int inst, const decl *role, size_t *first);

/* Instances sorted by (site, system, index). */
typedef struct {
    const instance **v;
    size_t n;
} site_index;

site_index runs_site_index(const model *m);
/* The instances of sys at site (NULL: the system-level ones), in index
 * order: entries [*first, *first + count) of x->v. */
size_t runs_site_instances(const site_index *x, const site_decl *site, const system_decl *sys,
                           size_t *first);

/* The first instance of sys that host h runs a role of, or NULL: where an
 * alias (`service dante is dante.audio_control`) joins its target. */
const instance *runs_instance_of(const host *h, const system_decl *sys);

#endif
