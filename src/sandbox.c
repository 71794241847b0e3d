/* sandbox.c: the restricted Lua state (see sandbox.h). Limits: a capped
 * allocator, an instruction-count hook that re-arms at every instruction
 * once spent (so pcall cannot swallow the stop), a bounded string.rep, and
 * RLIMIT_CPU with a SIGXCPU handler around each run. */
#include "sandbox.h"
#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum { HOOK_EVERY = 1000 };

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && sb->used - old + nsize > sb->limit) return NULL;
    void *p = realloc(ptr, nsize);
    if (p) sb->used = sb->used - old + nsize;
    return p;
}

static void remember_place(sandbox *sb, lua_State *L, lua_Debug *ar)
{
    if (!lua_getinfo(L, "Sl", ar) || ar->currentline <= 0) return;
    snprintf(sb->src_buf, sizeof sb->src_buf, "%s", ar->short_src);
    sb->where_src = sb->src_buf;
    sb->where_line = ar->currentline;
}

static sandbox *sandbox_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

/* Once the budget is spent the hook fires at every instruction, so a
 * template that catches the error with pcall is stopped again at once. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
    sandbox *sb = sandbox_of(L);
    remember_place(sb, L, ar);
    sb->steps += HOOK_EVERY;
    if (sb->steps < sb->step_limit) return;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    /* The place of the running function itself: luaL_error would name its caller. */
    lua_pushfstring(L, "%s:%d: instruction limit (%I) exceeded", sb->where_src ? sb->where_src : "?",
                    sb->where_line, (lua_Integer)sb->step_limit);
    lua_error(L);
}

/* string.rep whose result must fit the memory that is left: the original
 * loops in C for n copies even of an empty string. */
static int bounded_rep(lua_State *L)
{
    sandbox *sb = sandbox_of(L);
    size_t l, lsep;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n > 0 && ((lua_Number)n * (lua_Number)(l + lsep + 1) > (lua_Number)(sb->limit - sb->used)))
        return luaL_error(L, "string.rep: result too large for the memory limit");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int unknown_global(lua_State *L)
{
    return luaL_error(L, "unknown global '%s' (the sandbox has no io, os, require or load)",
                      lua_isstring(L, 2) ? lua_tostring(L, 2) : "?");
}

static int not_in_sandbox(lua_State *L)
{
    return luaL_error(L, "%s is not available in the sandbox", lua_tostring(L, lua_upvalueindex(1)));
}

/* A library function the sandbox takes away: nil in the base library
 * (reading it is an unknown global), an explaining error elsewhere. */
static void remove_field(lua_State *L, const char *table, const char *name)
{
    if (table) {
        lua_getglobal(L, table);
        lua_pushfstring(L, "%s.%s", table, name);
        lua_pushcclosure(L, not_in_sandbox, 1);
    } else {
        lua_pushglobaltable(L);
        lua_pushnil(L);
    }
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

static void open_libraries(lua_State *L)
{
    static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base}, {LUA_STRLIBNAME, luaopen_string},
                                    {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
                                    {LUA_UTF8LIBNAME, luaopen_utf8}};
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    static const char *const base_out[] = {"load", "loadfile", "dofile", "collectgarbage",
                                           "print", "rawset", "require"};
    for (size_t i = 0; i < sizeof base_out / sizeof base_out[0]; i++) remove_field(L, NULL, base_out[i]);
    remove_field(L, "string", "dump");
    remove_field(L, "math", "random");
    remove_field(L, "math", "randomseed");
    lua_getglobal(L, "string");
    lua_getfield(L, -1, "rep");
    lua_pushcclosure(L, bounded_rep, 1);
    lua_setfield(L, -2, "rep");
    lua_pop(L, 1);
    /* Reading an unknown global is an error, not a silent nil. */
    lua_pushglobaltable(L);
    lua_newtable(L);
    lua_pushcfunction(L, unknown_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
}

static int protected_open(lua_State *L)
{
    open_libraries(L);
    return 0;
}

lua_State *sandbox_open(sandbox *sb)
{
    memset(sb, 0, sizeof *sb);
    sb->limit = SANDBOX_MEMORY;
    sb->step_limit = SANDBOX_INSTRUCTIONS;
    sb->L = lua_newstate(limited_alloc, sb);
    if (!sb->L) return NULL;
    lua_pushcfunction(sb->L, protected_open);
    if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
        sandbox_close(sb);
        return NULL;
    }
    lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
    return sb->L;
}

void sandbox_close(sandbox *sb)
{
    if (sb->L) lua_close(sb->L);
    sb->L = NULL;
}

int sandbox_load(sandbox *sb, const char *name, const char *text, size_t len)
{
    char chunk[1024];
    snprintf(chunk, sizeof chunk, "@%s", name);
    return luaL_loadbufferx(sb->L, text, len, chunk, "t");
}

/* ---- read-only proxies ---- */

static int readonly_error(lua_State *L)
{
    return luaL_error(L, "the view is read-only");
}

static int proxy_target(lua_State *L)
{
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    return 1;
}

static int proxy_len(lua_State *L)
{
    proxy_target(L);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

static int proxy_pairs(lua_State *L)
{
    lua_getglobal(L, "next");
    proxy_target(L);
    lua_remove(L, -2);
    lua_pushnil(L);
    return 3;
}

void sandbox_freeze(lua_State *L)
{
    lua_newtable(L);                       /* proxy */
    lua_createtable(L, 0, 5);              /* its metatable */
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, readonly_error);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, proxy_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, proxy_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_remove(L, -2);                     /* the table itself stays reachable only through the proxy */
}

/* ---- running ---- */

static volatile sig_atomic_t cpu_note_len;
static char cpu_note[256];

static void on_cpu_limit(int sig)
{
    (void)sig;
    if (write(STDERR_FILENO, cpu_note, (size_t)cpu_note_len) < 0) _exit(1);
    _exit(1);
}

/* Arm RLIMIT_CPU for one run; returns the limit to restore. */
static struct rlimit arm_cpu_limit(const char *who)
{
    struct rlimit old = {RLIM_INFINITY, RLIM_INFINITY}, now;
    struct rusage ru;
    if (getrlimit(RLIMIT_CPU, &old) != 0 || getrusage(RUSAGE_SELF, &ru) != 0) return old;
    rlim_t used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1;
    now = old;
    now.rlim_cur = used + SANDBOX_CPU_SECONDS;
    if (old.rlim_max != RLIM_INFINITY && now.rlim_cur > old.rlim_max) now.rlim_cur = old.rlim_max;
    cpu_note_len = (sig_atomic_t)snprintf(cpu_note, sizeof cpu_note,
                                          "%s: CPU time limit (%d s) exceeded\n", who,
                                          SANDBOX_CPU_SECONDS);
    if (cpu_note_len >= (sig_atomic_t)sizeof cpu_note) cpu_note_len = sizeof cpu_note - 1;
    signal(SIGXCPU, on_cpu_limit);
    setrlimit(RLIMIT_CPU, &now);
    return old;
}

/* One line: control characters of a template's message become spaces. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = ' ';
}

bool sandbox_call(sandbox *sb, int nargs, int nresults, char *msg, size_t msgsize)
{
    lua_State *L = sb->L;
    const char *who = "template";
    char who_buf[64];
    lua_Debug ar;
    lua_pushvalue(L, -1 - nargs);          /* the function, for getinfo to pop */
    if (lua_getinfo(L, ">S", &ar)) {
        snprintf(who_buf, sizeof who_buf, "%s", ar.short_src);
        who = who_buf;
    }
    struct rlimit old = arm_cpu_limit(who);
    int rc = lua_pcall(L, nargs, nresults, 0);
    setrlimit(RLIMIT_CPU, &old);
    if (rc == LUA_OK) return true;
    if (rc == LUA_ERRMEM)
        snprintf(msg, msgsize, "%s:%d: memory limit (%d MiB) exceeded",
                 sb->where_src ? sb->where_src : who, sb->where_line, SANDBOX_MEMORY >> 20);
    else if (lua_type(L, -1) == LUA_TSTRING)
        snprintf(msg, msgsize, "%s", lua_tostring(L, -1));
    else
        snprintf(msg, msgsize, "%s: error object is a %s value", who, luaL_typename(L, -1));
    lua_pop(L, 1);
    one_line(msg);
    return false;
}
