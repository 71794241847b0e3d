/* luafiles.h: the Lua files of lua/ (the helpers and the bundled
 * templates), built into the binary by the Makefile (build/lua_files.c),
 * so berth needs no data files at run time. */
#ifndef BERTH_LUAFILES_H
#define BERTH_LUAFILES_H
#include <stddef.h>

typedef struct {
    const char *name;            /* "nftables" for lua/nftables.lua */
    const char *text;
    size_t len;
} lua_file;

extern const lua_file lua_files[];
extern const size_t lua_nfiles;

#endif
