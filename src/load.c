/* load.c: file reading, import resolution under the policy root, import
 * cycle detection. Diamond imports load once; cycles are reported. */
#include "load.h"
#include "xalloc.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "parse.h"

void load_init(loader *l, arena *mem, diag_sink *diags)
{
    memset(l, 0, sizeof *l);
    l->mem = mem;
    l->diags = diags;
    program_init(&l->prog);
    names_init(&l->loaded);
}

void load_init_reader(loader *l, arena *mem, diag_sink *diags, const load_reader *r)
{
    load_init(l, mem, diags);
    l->reader = r;
}

char *load_read_stream(arena *a, FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;          /* fopen opens a directory; say so, not EIO */
        return NULL;
    }
    char *buf = xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap >= LOAD_MAX_FILE) {
                free(buf);
                errno = EFBIG;
                return NULL;
            }
            buf = xrealloc(buf, cap * 2);
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    char *text = arena_strndup(a, buf, n);
    free(buf);
    *len = n;
    return text;
}

static char *dir_of(arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return arena_strdup(a, ".");
    if (slash == path) return arena_strdup(a, "/");
    return arena_strndup(a, path, (size_t)(slash - path));
}

/* Drop "." and fold "x/.." so messages name tests/../policies/a.ports as
 * policies/a.ports. Only for display: identity uses realpath(). */
void load_normalize(char *p)
{
    size_t n = strlen(p);
    char *out = xmalloc(n + 2);
    size_t w = 0, kept = 0;      /* kept: segments that a ".." may fold */
    bool abs = p[0] == '/';
    if (abs) out[w++] = '/';
    for (const char *seg = p; *seg;) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        bool dotdot = len == 2 && seg[0] == '.' && seg[1] == '.';
        if (len == 0 || (len == 1 && seg[0] == '.')) {
            /* nothing */
        } else if (dotdot && kept > 0) {
            while (w > (size_t)abs && out[w - 1] != '/') w--;    /* drop the segment */
            if (w > (size_t)abs) w--;                            /* and its '/' */
            kept--;
        } else {
            if (w > (size_t)abs) out[w++] = '/';
            memcpy(out + w, seg, len);
            w += len;
            if (!dotdot) kept++;
        }
        seg += len + (end != NULL);
    }
    if (w == 0) out[w++] = '.';
    out[w] = '\0';
    memcpy(p, out, w + 1);
    free(out);
}

static char *join_path(arena *a, const char *dir, const char *rel)
{
    if (rel[0] == '/' || strcmp(dir, ".") == 0) {
        char *p = arena_strdup(a, rel);
        load_normalize(p);
        return p;
    }
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = arena_alloc(a, n);
    snprintf(p, n, "%s/%s", dir, rel);
    load_normalize(p);
    return p;
}

static source *find_loaded(const loader *l, const char *real)
{
    return real[0] ? names_get(&l->loaded, real) : NULL;
}

static bool under_root(const char *root, const char *real)
{
    size_t n = strlen(root);
    if (strcmp(root, "/") == 0) return true;
    return strncmp(root, real, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

static source *add_source(loader *l, const char *name, const char *real, const char *text,
                          size_t len)
{
    source *s = source_new(l->mem, name, real, dir_of(l->mem, name), text, len,
                           (int)l->nsources);
    l->sources = arena_grow(l->mem, l->sources, sizeof *l->sources, &l->cap, l->nsources + 1);
    l->sources[l->nsources++] = s;
    if (real[0]) names_put(l->mem, &l->loaded, s->real, s);
    l->importing = arena_grow(l->mem, l->importing, sizeof *l->importing, &l->importing_cap,
                              l->nsources);
    l->importing[s->index] = false;
    return s;
}

/* The canonical name of path, through the reader or realpath(). */
static bool canonical(const loader *l, const char *path, char real[PATH_MAX])
{
    if (l->reader) return l->reader->canon(l->reader->ctx, path, real, PATH_MAX);
    return realpath(path, real) != NULL;
}

/* The text of a canonical name (path: the name to open on the file system,
 * "-" for standard input); NULL with errno set. */
static char *read_text(const loader *l, const char *path, const char *real, size_t *len)
{
    if (l->reader) return l->reader->read(l->reader->ctx, l->mem, real, len);
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    char *text = f ? load_read_stream(l->mem, f, len) : NULL;
    int err = errno;
    if (f && !is_stdin) fclose(f);
    errno = err;
    return text;
}

static void import_cycle(loader *l, const import_decl *imp, const source *from,
                         const char *real)
{
    diag *d = diag_report(l->diags, SEV_ERROR, CK_IMPORT, imp->path_loc,
                          "import cycle: '%s' is already being imported", imp->path);
    for (const source *p = from; p; p = p->parent) {
        if (p->parent)
            diag_add_note(l->diags, d, p->import_loc, "'%s' is imported from here", p->name);
        if (strcmp(p->real, real) == 0) break;
    }
}

/* The source an import names, read but not yet parsed; NULL when it was
 * loaded before or cannot be (reported). */
static source *open_import(loader *l, source *from, const import_decl *imp)
{
    char *path = join_path(l->mem, from->dir, imp->path);
    char real[PATH_MAX];
    if (!canonical(l, path, real)) {
        diag_report(l->diags, SEV_ERROR, CK_IMPORT, imp->path_loc, "cannot import '%s': %s",
                    imp->path, strerror(errno));
        return NULL;
    }
    if (!under_root(l->root, real)) {
        diag_report(l->diags, SEV_ERROR, CK_IMPORT, imp->path_loc,
                    "import '%s' leaves the policy root '%s'; imports must stay under it "
                    "(use --root to widen it)", imp->path, l->root_shown);
        return NULL;
    }
    const source *seen = find_loaded(l, real);
    if (seen && l->importing[seen->index]) import_cycle(l, imp, from, real);
    if (seen) return NULL;
    if (l->nsources >= LOAD_MAX_FILES) {
        diag_report(l->diags, SEV_ERROR, CK_LIMIT, imp->path_loc,
                    "too many policy files (limit is %d)", LOAD_MAX_FILES);
        return NULL;
    }
    size_t len = 0;
    char *text = read_text(l, real, real, &len);
    if (!text) {
        diag_report(l->diags, SEV_ERROR, CK_IMPORT, imp->path_loc, "cannot import '%s': %s",
                    imp->path, strerror(errno));
        return NULL;
    }
    source *s = add_source(l, path, real, text, len);
    s->parent = from;
    s->import_loc = imp->where;
    return s;
}

/* A file being imported: its imports not yet followed. */
typedef struct {
    source *src;
    const import_decl *next;
} import_frame;

/* Parse s, then each import depth first in the order written: the same
 * order as recursion, but on a worklist, so a chain of LOAD_MAX_FILES
 * imports needs no deeper C stack than one file. */
static void parse_and_follow(loader *l, source *s)
{
    import_frame *stack = NULL;
    size_t n = 0, cap = 0;
    for (source *next = s; next;) {
        import_decl *imports = NULL;
        parse_source(l->mem, l->diags, next, &l->prog, &imports);
        l->importing[next->index] = true;
        stack = arena_grow(l->mem, stack, sizeof *stack, &cap, n + 1);
        stack[n++] = (import_frame){next, imports};
        next = NULL;
        while (n > 0 && !next) {
            import_frame *top = &stack[n - 1];
            if (!top->next) {
                l->importing[top->src->index] = false;
                n--;
                continue;
            }
            const import_decl *imp = top->next;
            top->next = imp->next;
            next = open_import(l, top->src, imp);
        }
    }
}

static bool load_one(loader *l, const char *name)
{
    bool is_stdin = strcmp(name, "-") == 0;
    char real[PATH_MAX] = "";
    if (!is_stdin && !canonical(l, name, real)) {
        fprintf(stderr, "berth: cannot open '%s': %s\n", name, strerror(errno));
        return false;
    }
    if (!is_stdin && find_loaded(l, real)) return true;
    size_t len = 0;
    char *text = read_text(l, name, real, &len);
    if (!text) {
        fprintf(stderr, "berth: cannot read '%s': %s\n", is_stdin ? "<stdin>" : name,
                strerror(errno));
        return false;
    }
    source *s = add_source(l, is_stdin ? "<stdin>" : name, real, text, len);
    parse_and_follow(l, s);
    return true;
}

const char **load_input_names(const loader *l, size_t *n)
{
    const char **v = arena_alloc(l->mem, (l->nsources + 1) * sizeof *v);
    *n = 0;
    for (size_t i = 0; i < l->nsources; i++)
        if (l->sources[i]->real[0]) v[(*n)++] = l->sources[i]->real;
    return v;
}

bool load_files(loader *l, char **files, int nfiles, const char *root)
{
    char real[PATH_MAX];
    const char *base = root ? root : nfiles > 0 && strcmp(files[0], "-") != 0
                                         ? dir_of(l->mem, files[0]) : ".";
    if (!canonical(l, base, real)) {
        fprintf(stderr, "berth: cannot use policy root '%s': %s\n", base, strerror(errno));
        return false;
    }
    l->root = arena_strdup(l->mem, real);
    l->root_shown = arena_strdup(l->mem, base);
    for (int i = 0; i < nfiles; i++)
        if (!load_one(l, files[i])) return false;
    return true;
}
