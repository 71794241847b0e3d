/* sandbox.h: a Lua 5.4 state that runs code berth does not trust. Takes a
 * memory and an instruction budget; gives a state with only base (less
 * load, loadfile, dofile, collectgarbage, print, rawset), string (less
 * dump, with a bounded rep), table, math (less random) and utf8, where
 * reading an unknown global is an error. A CPU-time limit is the backstop
 * for time spent inside C functions, which the instruction hook never sees. */
#ifndef BERTH_SANDBOX_H
#define BERTH_SANDBOX_H
#include <stdbool.h>
#include <stddef.h>
#include <lua.h>

enum {
    SANDBOX_MEMORY = 256 << 20,          /* bytes of Lua heap */
    SANDBOX_CPU_SECONDS = 60,            /* CPU time of one run */
};
#define SANDBOX_INSTRUCTIONS 1000000000LL /* VM instructions of one run */

typedef struct {
    lua_State *L;
    size_t used, limit;
    long long steps, step_limit;
    const char *where_src;               /* last place the hook saw, for memory errors */
    int where_line;
    char src_buf[64];
} sandbox;

/* A fresh, restricted state; NULL when even that does not fit in memory. */
lua_State *sandbox_open(sandbox *sb);
void sandbox_close(sandbox *sb);
/* Load text (never bytecode) as a chunk named "@name"; LUA_OK or an error
 * message on the stack. */
int sandbox_load(sandbox *sb, const char *name, const char *text, size_t len);
/* Call the function under the arguments on the stack with the limits in
 * force. On failure writes a one-line "NAME:LINE: message" into msg. */
bool sandbox_call(sandbox *sb, int nargs, int nresults, char *msg, size_t msgsize);
/* Make the table on top of the stack read-only: replace it by a proxy whose
 * reads, #, pairs and ipairs see the table and whose writes are errors. */
void sandbox_freeze(lua_State *L);

#endif
