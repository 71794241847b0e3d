/* load.h: reads policy files (or standard input) into memory, parses them
 * and follows their imports, confined to the policy root. Takes file names;
 * gives one program (all ASTs) and the list of sources in load order. */
#ifndef BERTH_LOAD_H
#define BERTH_LOAD_H
#include "ast.h"
#include <stdio.h>
#include "diag.h"
#include "names.h"

enum {
    LOAD_MAX_FILE = 64 << 20,    /* bytes in one policy file */
    LOAD_MAX_FILES = 4096,       /* files in one run, imports included */
};

/* Where the loader reads files: the file system by default; berth diff
 * --git reads an older revision through git instead. canon gives the
 * canonical name of a path (identity, the root check) and read the text
 * of a canonical name into the arena; both fail with errno set. */
typedef struct {
    bool (*canon)(void *ctx, const char *path, char *real, size_t size);
    char *(*read)(void *ctx, arena *mem, const char *real, size_t *len);
    void *ctx;
} load_reader;

typedef struct {
    arena *mem;
    diag_sink *diags;
    const load_reader *reader;   /* NULL: the file system */
    program prog;
    source **sources;
    size_t nsources, cap;
    names loaded;                /* canonical name -> source, for dedup and cycles */
    bool *importing;             /* per source index: on the current import path */
    size_t importing_cap;
    const char *root;            /* canonical policy root */
    const char *root_shown;      /* the root as the user gave it, for messages */
} loader;

void load_init(loader *l, arena *mem, diag_sink *diags);
/* load_init, reading through r (which must outlive the loader). */
void load_init_reader(loader *l, arena *mem, diag_sink *diags, const load_reader *r);
/* Load each named file ("-" is standard input). root may be NULL: the
 * first file's directory. Returns false on an I/O error with a command-line
 * file (already printed as one line on stderr: exit status 2). */
bool load_files(loader *l, char **files, int nfiles, const char *root);
/* The canonical names of the loaded files (standard input has none), in
 * the arena: what no output of the run may overwrite. */
const char **load_input_names(const loader *l, size_t *n);
/* Fold "." and "x/.." in a path, in place: the shown name of a file, or
 * (berth diff --git) the canonical name of one that may not exist here. */
void load_normalize(char *p);
/* A whole stream into the arena, NUL-terminated; NULL with errno set on
 * failure or past LOAD_MAX_FILE bytes. */
char *load_read_stream(arena *a, FILE *f, size_t *len);

#endif
