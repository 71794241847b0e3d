/* output.h: every file berth writes. Each goes to a temporary file beside
 * its target, is flushed to disk, and replaces the target by rename() only
 * when every file of the run was written: a full disk or a refused file
 * leaves all old outputs as they were. Symbolic links are written through
 * to their target; the replaced file's mode and owner are kept; a file with
 * other hard links, a read-only file, or a file that is one of the run's
 * inputs is refused (exit 2) rather than silently broken. */
#ifndef BERTH_OUTPUT_H
#define BERTH_OUTPUT_H
#include <stdbool.h>
#include <stddef.h>

typedef struct staged_file staged_file;

typedef struct {
    staged_file *files;
    size_t n, cap;
    const char *const *inputs;   /* canonical names of the run's inputs; may be NULL */
    size_t ninputs;
    bool failed;                 /* a stage failed (already reported) */
} output_set;

void output_init(output_set *o, const char *const *inputs, size_t ninputs);
/* Stage path's new content: written to a temporary file now, unless the
 * content is unchanged. False (reported on stderr) on any failure; the set
 * is then failed and output_commit() refuses. */
bool output_stage(output_set *o, const char *path, const char *data, size_t len);
/* Rename every staged file into place (after all were written); false when
 * the set failed or a rename failed (reported). Frees the set either way. */
bool output_commit(output_set *o);
/* Remove the temporary files of a set that will not be committed. */
void output_abort(output_set *o);

typedef enum { WRITE_UNCHANGED, WRITE_WRITTEN, WRITE_FAILED } write_result;
/* One file, staged and committed: the old file is left as it was on failure. */
write_result write_file_atomic(const char *path, const char *data, size_t len);

#endif
