/* output.c: staged, all-or-nothing writes of output files (output.h). */
#include "output.h"
#include "xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct staged_file {
    char *target;                /* the file replaced: a symlink's target */
    char *tmp;                   /* the written temporary file */
};

void output_init(output_set *o, const char *const *inputs, size_t ninputs)
{
    memset(o, 0, sizeof *o);
    o->inputs = inputs;
    o->ninputs = ninputs;
}

static bool same_content(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char buf[65536];
    size_t off = 0, got;
    bool same = true;
    while (same && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        same = off + got <= len && memcmp(buf, data + off, got) == 0;
        off += got;
    }
    fclose(f);
    return same && off == len;
}

static bool refuse(output_set *o, const char *path, const char *why)
{
    fprintf(stderr, "berth: refusing to write '%s': %s\n", path, why);
    o->failed = true;
    return false;
}

static bool fail(output_set *o, const char *path)
{
    fprintf(stderr, "berth: cannot write '%s': %s\n", path, strerror(errno));
    o->failed = true;
    return false;
}

/* The file a write to path replaces: path itself, or where its symbolic
 * links lead (a link to a missing file: the file it names). */
static char *write_target(const char *path)
{
    char real[PATH_MAX];
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode)) return xstrdup(path);
    if (realpath(path, real)) return xstrdup(real);
    ssize_t n = readlink(path, real, sizeof real - 1);
    if (n <= 0) return xstrdup(path);
    real[n] = '\0';
    if (real[0] == '/') return xstrdup(real);
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path + 1) : 0, size = dir + (size_t)n + 1;
    char *t = xmalloc(size);
    snprintf(t, size, "%.*s%s", (int)dir, path, real);
    return t;
}

static bool is_input(const output_set *o, const char *target)
{
    char real[PATH_MAX];
    if (!o->ninputs || !realpath(target, real)) return false;
    for (size_t i = 0; i < o->ninputs; i++)
        if (o->inputs[i] && strcmp(o->inputs[i], real) == 0) return true;
    return false;
}

/* Whether an existing file may be replaced; reported when not. */
static bool replaceable(output_set *o, const char *path, const struct stat *st)
{
    if (!S_ISREG(st->st_mode)) return refuse(o, path, "it is not a regular file");
    if (!(st->st_mode & 0222)) return refuse(o, path, "it is read-only");
    if (st->st_nlink > 1)
        return refuse(o, path, "it has other hard links, which a new file would break");
    if (is_input(o, path)) return refuse(o, path, "it is one of the input policies");
    return true;
}

/* Write all of data to fd and flush it to the disk. */
static bool write_all(int fd, const char *data, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        done += (size_t)w;
    }
    return fsync(fd) == 0;
}

bool output_stage(output_set *o, const char *path, const char *data, size_t len)
{
    if (o->failed) return false;
    char *target = write_target(path);
    struct stat st;
    bool exists = stat(target, &st) == 0;
    if ((exists && !replaceable(o, path, &st)) || (exists && same_content(target, data, len))) {
        free(target);
        return !o->failed;
    }
    size_t n = strlen(target) + 16;
    char *tmp = xmalloc(n);
    snprintf(tmp, n, "%s.tmpXXXXXX", target);
    int fd = mkstemp(tmp);
    bool ok = fd >= 0;
    if (ok) {
        /* The replaced file's mode and owner; a new file: 0666 less umask. */
        mode_t mask = umask(022);
        umask(mask);
        ok = fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask) == 0 &&
             (!exists || fchown(fd, st.st_uid, st.st_gid) == 0 || errno == EPERM);
        ok = ok && write_all(fd, data, len);
        int err = errno;
        ok = close(fd) == 0 && ok;
        if (!ok) errno = err;
    }
    if (!ok) {
        fail(o, path);
        if (fd >= 0) unlink(tmp);
        free(tmp);
        free(target);
        return false;
    }
    if (exists && st.st_uid != geteuid()) {
        struct stat now;
        if (stat(tmp, &now) == 0 && now.st_uid != st.st_uid) {
            unlink(tmp);
            free(tmp);
            free(target);
            return refuse(o, path, "its owner cannot be kept");
        }
    }
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 16;
        o->files = xrealloc_array(o->files, cap, sizeof *o->files);
        o->cap = cap;
    }
    o->files[o->n++] = (staged_file){target, tmp};
    return true;
}

/* Flush the directory entry of a renamed file, so the rename survives a crash. */
static void sync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash == path ? 1 : slash - path) : 1,
             slash ? path : ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

static void release(output_set *o)
{
    for (size_t i = 0; i < o->n; i++) {
        free(o->files[i].target);
        free(o->files[i].tmp);
    }
    free(o->files);
    o->files = NULL;
    o->n = o->cap = 0;
}

void output_abort(output_set *o)
{
    for (size_t i = 0; i < o->n; i++) unlink(o->files[i].tmp);
    release(o);
}

bool output_commit(output_set *o)
{
    if (o->failed) {
        output_abort(o);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < o->n; i++) {
        if (ok && rename(o->files[i].tmp, o->files[i].target) == 0) {
            sync_dir_of(o->files[i].target);
            continue;
        }
        if (ok) fprintf(stderr, "berth: cannot write '%s': %s\n", o->files[i].target,
                        strerror(errno));
        ok = false;
        unlink(o->files[i].tmp);
    }
    release(o);
    return ok;
}

write_result write_file_atomic(const char *path, const char *data, size_t len)
{
    output_set o;
    output_init(&o, NULL, 0);
    if (!output_stage(&o, path, data, len)) {
        output_abort(&o);
        return WRITE_FAILED;
    }
    bool changed = o.n > 0;
    return !output_commit(&o) ? WRITE_FAILED : changed ? WRITE_WRITTEN : WRITE_UNCHANGED;
}
