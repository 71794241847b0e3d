/* diff_git.c: the old side of `berth diff --git REV`, read from git into
 * memory. git runs through fork and exec with an argument vector (no shell
 * sees the revision or a path); its stderr goes to /dev/null and berth
 * says what failed. Paths are canonical under the work tree's top. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "diff.h"

/* The standard output of `git ARGS...` into the arena, NUL-terminated;
 * NULL (errno set) when git cannot run, fails, or writes too much. */
static char *git_run(arena *mem, const char *const *args, size_t *len)
{
    int fd[2];
    if (pipe(fd) != 0) return NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return NULL;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDERR_FILENO);
        }
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        execvp("git", (char *const *)args);
        _exit(127);
    }
    close(fd[1]);
    FILE *f = fdopen(fd[0], "rb");
    char *text = f ? load_read_stream(mem, f, len) : NULL;
    int err = errno;
    if (f) fclose(f);
    else close(fd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!text) {
        errno = err;                         /* too big, or a read error */
        return NULL;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        /* 127: the child could not exec git; else git said no (no such object). */
        errno = WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ENOEXEC : ENOENT;
        return NULL;
    }
    return text;
}

/* "OBJECT:path" for git, path relative to the top (real is canonical). */
static const char *object_name(const diff_git *g, arena *mem, const char *real)
{
    size_t n = strlen(g->top);
    const char *rel = real[n] == '/' ? real + n + 1 : "";
    size_t size = strlen(g->commit) + strlen(rel) + 2;
    char *s = arena_alloc(mem, size);
    snprintf(s, size, "%s:%s", g->commit, rel);
    return s;
}

static bool under_top(const diff_git *g, const char *real)
{
    size_t n = strlen(g->top);
    return strncmp(real, g->top, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

/* Lexical: the file may exist only in the revision. */
static bool git_canon(void *ctx, const char *path, char *real, size_t size)
{
    const diff_git *g = ctx;
    int n = path[0] == '/' ? snprintf(real, size, "%s", path)
                           : snprintf(real, size, "%s/%s", g->cwd, path);
    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return false;
    }
    load_normalize(real);
    if (under_top(g, real)) return true;
    errno = ENOENT;                          /* outside the repository: not in the revision */
    return false;
}

static char *git_read(void *ctx, arena *mem, const char *real, size_t *len)
{
    diff_git *g = ctx;
    const char *args[] = {"git", "cat-file", "blob", object_name(g, mem, real), NULL};
    return git_run(mem, args, len);
}

static char *chomp(char *s)
{
    size_t n = s ? strlen(s) : 0;
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
    return s;
}

int diff_git_open(diff_git *g, arena *mem, const char *rev)
{
    memset(g, 0, sizeof *g);
    size_t len;
    const char *top_args[] = {"git", "rev-parse", "--show-toplevel", NULL};
    char *top = chomp(git_run(mem, top_args, &len));
    char real[PATH_MAX], here[PATH_MAX];
    if (!top || !top[0] || !realpath(top, real) || !realpath(".", here)) {
        fprintf(stderr, "berth: --git: %s\n", errno == ENOEXEC ? "cannot run git"
                                                : "the current directory is not in a git work tree");
        return 2;
    }
    size_t n = strlen(rev) + 10;
    char *spec = arena_alloc(mem, n);
    snprintf(spec, n, "%s^{commit}", rev);
    const char *args[] = {"git", "rev-parse", "--verify", "--quiet", spec, NULL};
    g->commit = chomp(git_run(mem, args, &len));
    if (!g->commit || !g->commit[0]) {
        fprintf(stderr, "berth: --git: '%s' is not a revision of this repository\n", rev);
        return 2;
    }
    g->top = arena_strdup(mem, real);
    g->cwd = arena_strdup(mem, here);
    g->reader = (load_reader){git_canon, git_read, g};
    return 0;
}

bool diff_git_inside(diff_git *g, const char *path)
{
    char real[PATH_MAX];
    return git_canon(g, path, real, sizeof real);
}

char diff_git_kind(diff_git *g, arena *mem, const char *path)
{
    char real[PATH_MAX];
    if (!git_canon(g, path, real, sizeof real)) return 0;
    size_t len;
    const char *args[] = {"git", "cat-file", "-t", object_name(g, mem, real), NULL};
    const char *type = chomp(git_run(mem, args, &len));
    return !type ? 0 : strcmp(type, "tree") == 0 ? 't' : strcmp(type, "blob") == 0 ? 'b' : 0;
}

int diff_path_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool diff_is_policy_name(const char *name)
{
    size_t n = strlen(name);
    return n > 6 && strcmp(name + n - 6, ".ports") == 0 && !strchr(name, '/');
}

char *diff_join(arena *mem, const char *dir, const char *name)
{
    size_t d = strlen(dir);
    while (d > 1 && dir[d - 1] == '/') d--;
    if (d == 1 && dir[0] == '.') return arena_strdup(mem, name);
    size_t size = d + strlen(name) + 2;
    char *s = arena_alloc(mem, size);
    snprintf(s, size, "%.*s%s%s", (int)d, dir, dir[d - 1] == '/' ? "" : "/", name);
    return s;
}

/* `git ls-tree -z`: "MODE TYPE OBJECT\tNAME\0" per entry; regular files only. */
bool diff_git_list(diff_git *g, arena *mem, const char *dir, char ***files, int *nfiles)
{
    char real[PATH_MAX];
    size_t len;
    if (!git_canon(g, dir, real, sizeof real)) return false;
    const char *args[] = {"git", "ls-tree", "--full-tree", "-z", object_name(g, mem, real), NULL};
    char *out = git_run(mem, args, &len);
    if (!out) {
        fprintf(stderr, "berth: --git: cannot list '%s' at %s\n", dir, g->commit);
        return false;
    }
    size_t cap = 0, n = 0;
    char **v = NULL;
    for (char *p = out; p < out + len; p += strlen(p) + 1) {
        char *tab = strchr(p, '\t');
        bool file = strncmp(p, "100644 blob ", 12) == 0 || strncmp(p, "100755 blob ", 12) == 0;
        if (!tab || !file || !diff_is_policy_name(tab + 1)) continue;
        v = arena_grow(mem, v, sizeof *v, &cap, n + 1);
        v[n++] = diff_join(mem, dir, tab + 1);
    }
    if (n > 1) qsort(v, n, sizeof *v, diff_path_cmp);
    *files = v;
    *nfiles = (int)n;
    return true;
}
