/* diff.h: the parts of `berth diff` (cli_diff in cli.h is the command).
 * diff_compare.c takes two checked models and gives what changes on the
 * network; diff_git.c reads the old side from a git revision. */
#ifndef BERTH_DIFF_H
#define BERTH_DIFF_H
#include "load.h"
#include "model.h"

typedef enum {
    DIFF_SITE_ADDED, DIFF_SITE_REMOVED,                  /* a site (host is NULL) */
    DIFF_HOST_ADDED, DIFF_HOST_REMOVED, DIFF_ADDRESS,    /* a host */
    DIFF_OPENS, DIFF_CLOSES, DIFF_OWNER, DIFF_PEERS,     /* a port range of a host */
} diff_kind;

/* One line of the diff. For ports, old and new name every service that
 * has the range on each side ("instance.service", sorted by name): the
 * services only in new open it, those only in old close it, both at once
 * change its owner; the same services with other peers (addresses, source
 * ports) change its peers. For a host, old and new hold its address. */
typedef struct {
    diff_kind kind;
    const char *site, *host;
    bool out;                    /* sent by the host; else accepted */
    uint8_t proto;               /* PROTO_TCP, PROTO_UDP or PROTO_IP */
    uint8_t ipproto;             /* the IP protocol number */
    const char *group;           /* multicast groups, or NULL */
    uint16_t lo, hi;             /* ports; PROTO_IP icmp/icmpv6: types, else 0-0 */
    const char **old, **new_;
    size_t nold, nnew;
    size_t seq;                  /* order of discovery, the last sort key */
} diff_change;

typedef struct {
    diff_change *v;
    size_t n, cap;
} diff_list;

/* What changes from `old` to `new_`, both elaborated without errors: per
 * site, host, direction and protocol, the port ranges (and groups) that
 * open, close, change owner or change peers, each range as long as the
 * same services are behind it; sites and hosts that come or go; addresses
 * that move. Sorted by site, host (its own lines first), direction,
 * protocol, group, port. */
void diff_models(arena *mem, model *old, model *new_, diff_list *out);

/* ---- diff_git.c ---- */

typedef struct {
    char *commit;                /* the revision, resolved once */
    char *top;                   /* the work tree's top directory */
    char *cwd;
    load_reader reader;          /* reads canonical names from `commit` */
} diff_git;

/* Resolve rev in the repository of the current directory; 0, or 2 with
 * the reason printed. */
int diff_git_open(diff_git *g, arena *mem, const char *rev);
/* Whether path lies in the work tree (the revision has nothing else). */
bool diff_git_inside(diff_git *g, const char *path);
/* What path names at the revision: 't' a tree, 'b' a file, 0 nothing. */
char diff_git_kind(diff_git *g, arena *mem, const char *path);
/* The *.ports files directly in directory `dir` at the revision, as
 * paths under dir, sorted; false (printed) when git fails. */
bool diff_git_list(diff_git *g, arena *mem, const char *dir, char ***files, int *nfiles);

/* Shared with diff.c's directory listing: "NAME.ports" (no '/'); dir
 * joined with a name as the user would write it ("x.ports" under ".");
 * strcmp order of two char * elements, for qsort. */
bool diff_is_policy_name(const char *name);
char *diff_join(arena *mem, const char *dir, const char *name);
int diff_path_cmp(const void *a, const void *b);

#endif
