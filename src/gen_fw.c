/* gen_fw.c: `berth gen fw`. Takes the host views of one site and a Lua
 * template (bundled in lua/ or a file); runs the template once per host in
 * a fresh sandbox, with the view as read-only tables and emit/file/suffix
 * as its only output; gives the files, written only when every run
 * succeeded. */
#include <errno.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include "gen.h"
#include "xalloc.h"
#include "hostview.h"
#include "luafiles.h"
#include "sandbox.h"

enum {
    FW_MAX_OUTPUT = 256 << 20,   /* bytes one template run may write */
    FW_MAX_NAME = 128,           /* a file() name */
    FW_MAX_SUFFIX = 32,
    FW_MAX_TEMPLATE = 16 << 20,  /* bytes of a template file */
};

typedef struct {
    char *name;                  /* NULL: the host's single file */
    strbuf text;
} fw_file;

/* What one run writes. */
typedef struct {
    fw_file *files;
    size_t nfiles, cap;
    size_t total;
    char suffix[FW_MAX_SUFFIX + 1];
} fw_out;

typedef struct {
    const char *name;            /* shown in messages: lua/nftables.lua or the path */
    const char *text;
    size_t len;
    char *owned;                 /* read from a file */
} fw_source;

/* ---- the template's output functions ---- */

static fw_out *out_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

static int l_emit(lua_State *L)
{
    fw_out *o = out_of(L);
    strbuf *b = &o->files[o->nfiles - 1].text;
    for (int i = 1, n = lua_gettop(L); i <= n; i++) {
        int t = lua_type(L, i);
        if (t != LUA_TSTRING && t != LUA_TNUMBER)
            return luaL_error(L, "emit: argument %d is a %s, not a string or number", i,
                              luaL_typename(L, i));
        size_t len;
        const char *s = lua_tolstring(L, i, &len);
        if (len > FW_MAX_OUTPUT - o->total)
            return luaL_error(L, "emit: output limit (%d MiB) exceeded", FW_MAX_OUTPUT >> 20);
        o->total += len;
        sb_putn(b, s, len);
    }
    return 0;
}

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '+' || c == '-' || (c == '.' && !first);
}

/* "services/berth-igloo-osc.xml": one or two parts of safe characters,
 * none starting with a dot, so no name leaves the output directory. */
static bool valid_file_name(const char *s, size_t len)
{
    if (len == 0 || len > FW_MAX_NAME) return false;
    int parts = 1;
    bool first = true;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '/' && !first && ++parts <= 2) {
            first = true;
            continue;
        }
        if (!name_char(s[i], first)) return false;
        first = false;
    }
    return !first;
}

static fw_file *add_file(fw_out *o, const char *name, size_t len)
{
    if (o->nfiles == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        o->files = xrealloc_array(o->files, cap, sizeof *o->files);
        o->cap = cap;
    }
    fw_file *f = &o->files[o->nfiles++];
    f->name = name ? xstrndup(name, len) : NULL;
    sb_init(&f->text);
    return f;
}

static int l_file(lua_State *L)
{
    fw_out *o = out_of(L);
    size_t len;
    const char *name = luaL_checklstring(L, 1, &len);
    if (!valid_file_name(name, len))
        return luaL_error(L, "file: '%s' is not a valid output name (letters, digits, '._+-', "
                          "at most one '/', no leading dot, at most %d bytes)", name, FW_MAX_NAME);
    for (size_t i = 1; i < o->nfiles; i++)
        if (strcmp(o->files[i].name, name) == 0)
            return luaL_error(L, "file: '%s' is written twice", name);
    if (o->nfiles == GEN_MAX_FILES || !add_file(o, name, len))
        return luaL_error(L, "file: too many output files (limit %d)", GEN_MAX_FILES);
    return 0;
}

static int l_suffix(lua_State *L)
{
    fw_out *o = out_of(L);
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    bool ok = len <= FW_MAX_SUFFIX;
    for (size_t i = 0; ok && i < len; i++) ok = name_char(s[i], false);
    if (!ok) return luaL_error(L, "suffix: '%s' is not a valid file name suffix", s);
    memcpy(o->suffix, s, len + 1);
    return 0;
}

static void free_out(fw_out *o)
{
    for (size_t i = 0; i < o->nfiles; i++) {
        free(o->files[i].name);
        sb_free(&o->files[i].text);
    }
    free(o->files);
    memset(o, 0, sizeof *o);
}

/* ---- the view as Lua tables ---- */

enum { BUILD_MAX_DEPTH = 16 };

typedef struct {
    lua_State *L;
    struct {
        bool array;
        lua_Integer n;
        const char *key;
    } frame[BUILD_MAX_DEPTH];
    int depth;
} lua_builder;

static void store(lua_builder *b)
{
    if (b->depth == 0) return;               /* the root stays on the stack */
    if (b->frame[b->depth - 1].array) lua_rawseti(b->L, -2, ++b->frame[b->depth - 1].n);
    else lua_setfield(b->L, -2, b->frame[b->depth - 1].key);
}

static void lb_begin(void *ctx, bool array)
{
    lua_builder *b = ctx;
    if (b->depth == BUILD_MAX_DEPTH) luaL_error(b->L, "the view nests too deeply");
    luaL_checkstack(b->L, 4, "view");
    lua_newtable(b->L);
    b->frame[b->depth].array = array;
    b->frame[b->depth].n = 0;
    b->frame[b->depth].key = NULL;
    b->depth++;
}

static void lb_end(void *ctx, bool array)
{
    lua_builder *b = ctx;
    (void)array;
    sandbox_freeze(b->L);
    b->depth--;
    store(b);
}

static void lb_key(void *ctx, const char *k)
{
    lua_builder *b = ctx;
    b->frame[b->depth - 1].key = k;
}

static void lb_str(void *ctx, const char *s)
{
    lua_pushstring(((lua_builder *)ctx)->L, s);
    store(ctx);
}

static void lb_num(void *ctx, long long n)
{
    lua_pushinteger(((lua_builder *)ctx)->L, (lua_Integer)n);
    store(ctx);
}

static void lb_bool(void *ctx, bool v)
{
    lua_pushboolean(((lua_builder *)ctx)->L, v);
    store(ctx);
}

static const hv_sink lua_sink = {lb_begin, lb_end, lb_key, lb_str, lb_num, lb_bool};

/* Freeze the table on top and, first, every table inside it (berth.esc). */
static void freeze_deep(lua_State *L, int depth)
{
    luaL_checkstack(L, 4, "freeze");
    if (depth < 8) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_type(L, -1) == LUA_TTABLE && !lua_getmetatable(L, -1)) {
                freeze_deep(L, depth + 1);
                lua_pushvalue(L, -2);
                lua_insert(L, -2);
                lua_rawset(L, -4);
            } else {
                if (lua_type(L, -1) == LUA_TTABLE) lua_pop(L, 1);   /* its metatable */
                lua_pop(L, 1);
            }
        }
    }
    sandbox_freeze(L);
}

/* ---- one run ---- */

typedef struct {
    gen_ctx *g;
    const host_view *view;
    const hv_extra *extra;
    fw_out *out;
} run_args;

static void set_output_function(lua_State *L, fw_out *o, const char *name, lua_CFunction fn)
{
    lua_pushlightuserdata(L, o);
    lua_pushcclosure(L, fn, 1);
    lua_setglobal(L, name);
}

/* Protected: output functions, the berth helpers, then the view on top. */
static int prepare(lua_State *L)
{
    run_args *a = lua_touserdata(L, 1);
    set_output_function(L, a->out, "emit", l_emit);
    set_output_function(L, a->out, "file", l_file);
    set_output_function(L, a->out, "suffix", l_suffix);
    const lua_file *helpers = NULL;
    for (size_t i = 0; i < lua_nfiles; i++)
        if (strcmp(lua_files[i].name, "berth") == 0) helpers = &lua_files[i];
    if (!helpers) return luaL_error(L, "lua/berth.lua is not built in");
    if (luaL_loadbufferx(L, helpers->text, helpers->len, "@lua/berth.lua", "t") != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 1);
    if (lua_type(L, -1) != LUA_TTABLE) return luaL_error(L, "lua/berth.lua returned no table");
    freeze_deep(L, 0);
    lua_setglobal(L, "berth");
    lua_builder b = {L, {{0, 0, 0}}, 0};
    hostview_walk(a->g->m, a->view, a->extra, &lua_sink, &b);
    return 1;
}

static bool run_template(gen_ctx *g, const fw_source *t, const host_view *v, const hv_extra *x,
                         fw_out *out)
{
    sandbox sb;
    char msg[1024];
    if (!sandbox_open(&sb)) {
        fprintf(stderr, "%s: cannot create a Lua state\n", t->name);
        return false;
    }
    memset(out, 0, sizeof *out);
    bool ok = add_file(out, NULL, 0) != NULL;
    run_args a = {g, v, x, out};
    lua_pushcfunction(sb.L, prepare);
    lua_pushlightuserdata(sb.L, &a);
    ok = ok && sandbox_call(&sb, 1, 1, msg, sizeof msg);
    if (ok && sandbox_load(&sb, t->name, t->text, t->len) != LUA_OK) {
        snprintf(msg, sizeof msg, "%s", lua_tostring(sb.L, -1));
        ok = false;
    }
    if (ok) {
        lua_insert(sb.L, -2);                /* template, view */
        ok = sandbox_call(&sb, 1, 0, msg, sizeof msg);
    }
    if (ok && out->nfiles > 1 && out->files[0].text.len) {
        snprintf(msg, sizeof msg, "%s: emit() before the first file(): a template that names "
                 "its files must name them all", t->name);
        ok = false;
    }
    for (size_t i = 0; ok && i < out->nfiles; i++)
        if (out->files[i].text.failed) {
            snprintf(msg, sizeof msg, "%s: out of memory", t->name);
            ok = false;
        }
    if (!ok) fprintf(stderr, "%s\n", msg);
    sandbox_close(&sb);
    return ok;
}

/* ---- files ---- */

static bool read_template(const char *spec, fw_source *t)
{
    memset(t, 0, sizeof *t);
    bool bundled = !strchr(spec, '/') && !(strlen(spec) > 4 && strcmp(spec + strlen(spec) - 4, ".lua") == 0);
    if (bundled) {
        for (size_t i = 0; i < lua_nfiles; i++)
            if (strcmp(lua_files[i].name, spec) == 0 && strcmp(spec, "berth") != 0) {
                size_t n = strlen(spec) + 9;
                t->owned = xmalloc(n);
                snprintf(t->owned, n, "lua/%s.lua", spec);
                t->name = t->owned;
                t->text = lua_files[i].text;
                t->len = lua_files[i].len;
                return true;
            }
        fprintf(stderr, "berth: no bundled template '%s' (bundled:", spec);
        for (size_t i = 0; i < lua_nfiles; i++)
            if (strcmp(lua_files[i].name, "berth") != 0) fprintf(stderr, " %s", lua_files[i].name);
        fputs("; or give FILE.lua)\n", stderr);
        return false;
    }
    FILE *f = fopen(spec, "rb");
    if (!f) {
        fprintf(stderr, "berth: cannot open template '%s': %s\n", spec, strerror(errno));
        return false;
    }
    t->owned = xmalloc(FW_MAX_TEMPLATE + 1);
    size_t n = fread(t->owned, 1, FW_MAX_TEMPLATE + 1, f);
    bool err = ferror(f);
    fclose(f);
    if (err || n > FW_MAX_TEMPLATE) {
        fprintf(stderr, "berth: cannot read template '%s': %s\n", spec,
                err ? strerror(errno) : "larger than 16 MiB");
        free(t->owned);
        t->owned = NULL;
        return false;
    }
    t->name = spec;
    t->text = t->owned;
    t->len = n;
    return true;
}

static bool take_file(gen_ctx *g, const char *name, strbuf *text)
{
    strbuf *dst = gen_file_new(g, name);
    if (!dst) return false;
    *dst = *text;
    sb_init(text);
    return true;
}

/* Where each file of one host's run goes. With --host the single file is
 * OUT itself, named files go to OUT/NAME; without, OUT/HOST.SUFFIX and
 * OUT/HOST/NAME. */
static bool place_outputs(gen_ctx *g, const fw_options *o, const host *h, fw_out *out)
{
    char name[FW_MAX_NAME + 512];
    if (out->nfiles == 1 && o->host) {
        const char *slash = strrchr(o->out, '/');
        g->outdir = slash ? arena_strndup(g->m->mem, o->out, (size_t)(slash - o->out + (slash == o->out))) : ".";
        return take_file(g, slash ? slash + 1 : o->out, &out->files[0].text);
    }
    bool ok = true;
    if (out->nfiles == 1) {
        snprintf(name, sizeof name, "%s%s", h->decl->name, out->suffix);
        ok = take_file(g, name, &out->files[0].text);
    }
    for (size_t i = 1; ok && i < out->nfiles; i++) {
        if (o->host) snprintf(name, sizeof name, "%s", out->files[i].name);
        else snprintf(name, sizeof name, "%s/%s", h->decl->name, out->files[i].name);
        ok = take_file(g, name, &out->files[i].text);
    }
    return ok;
}

bool gen_fw_views(gen_ctx *g, const fw_options *o)
{
    hv_options ho = {o->unknown_peer_any, SEV_ERROR, g->m->diags};
    return hostview_build(g->m, names_get(&g->m->sites, g->site), &ho, &g->views, &g->nviews);
}

int gen_fw(gen_ctx *g, const fw_options *o)
{
    fw_source t;
    if (!read_template(o->template, &t)) return 2;
    hv_extra x = {gen_banner(g), o->keys, o->values, o->ndefs};
    int rc = 0;
    for (size_t i = 0; i < g->nviews && rc == 0; i++) {
        const host_view *v = &g->views[i];
        if (o->host && strcmp(v->h->decl->name, o->host) != 0) continue;
        if (o->os == OS_WINDOWS && v->h->os != OS_WINDOWS) continue;
        if (o->os == OS_LINUX && v->h->os == OS_WINDOWS) continue;
        fw_out out;
        if (!run_template(g, &t, v, &x, &out)) rc = 1;
        else if (!place_outputs(g, o, v->h, &out)) {
            fprintf(stderr, "berth: too many output files (limit %d)\n", GEN_MAX_FILES);
            rc = 2;
        }
        free_out(&out);
    }
    free(t.owned);
    return rc;
}
