/* test_fw_escape.c: the per-target escaping helpers of lua/berth.lua (the
 * copy built into the binary), loaded in a sandbox and called from C. Every
 * expected string is written out here from the rule each helper states:
 * hostile characters for each target, the byte limits of nft (128),
 * iptables (255, cut before escaping) and ufw (1024) with a character
 * straddling the limit, a property test that decodes the PowerShell literal
 * by PowerShell's own rule, and the port-list helpers. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "unit.h"
#include <lauxlib.h>
#include "luafiles.h"
#include "sandbox.h"

#define PARTY   "\xF0\x9F\x8E\x89"   /* U+1F389, 4 bytes */
#define E_ACUTE "\xC3\xA9"           /* U+00E9, 2 bytes */
#define LSQUO   "\xE2\x80\x98"       /* U+2018 */
#define RSQUO   "\xE2\x80\x99"       /* U+2019 */
#define SBQUO   "\xE2\x80\x9A"       /* U+201A */
#define RHQUO   "\xE2\x80\x9B"       /* U+201B */
#define LDQUO   "\xE2\x80\x9C"       /* U+201C: a double quote, not special in '...' */
#define DLOWLN  "\xE2\x80\x97"       /* U+2017: just below the single quotes */
#define FFFD    "\xEF\xBF\xBD"

/* The sandbox, with the table berth.lua returned at stack index 1. */
static sandbox sb;

static int group_setup(void **state)
{
    (void)state;
    const lua_file *f = NULL;
    for (size_t i = 0; i < lua_nfiles; i++)
        if (strcmp(lua_files[i].name, "berth") == 0) f = &lua_files[i];
    if (!f) return -1;
    if (!sandbox_open(&sb)) return -1;
    char msg[512];
    if (sandbox_load(&sb, "lua/berth.lua", f->text, f->len) != LUA_OK ||
        !sandbox_call(&sb, 0, 1, msg, sizeof msg) || lua_type(sb.L, -1) != LUA_TTABLE ||
        lua_gettop(sb.L) != 1) {
        sandbox_close(&sb);
        return -1;
    }
    return 0;
}

/* Each test starts from the table alone, whatever a failed one left. */
static int reset_stack(void **state)
{
    (void)state;
    lua_settop(sb.L, 1);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    sandbox_close(&sb);
    return 0;
}

/* ---- calling the helpers ---- */

/* Pushes berth.NAME, or berth.esc.X for "esc.X". */
static void push_fn(const char *name)
{
    lua_State *L = sb.L;
    if (strncmp(name, "esc.", 4) == 0) {
        assert_int_equal(lua_getfield(L, 1, "esc"), LUA_TTABLE);
        lua_getfield(L, -1, name + 4);
        lua_remove(L, -2);
    } else {
        lua_getfield(L, 1, name);
    }
    if (lua_type(L, -1) != LUA_TFUNCTION) fail_msg("berth.%s is not a function", name);
}

/* Calls the function under nargs arguments, one result; fails on an error. */
static void call(int nargs, const char *name)
{
    lua_State *L = sb.L;
    if (lua_pcall(L, nargs, 1, 0) != LUA_OK)
        fail_msg("berth.%s: %s", name, lua_tostring(L, -1));
}

/* s with bytes outside printable ASCII as \xNN, for failure messages. */
static char *repr(const char *s, size_t n)
{
    char *out = malloc(4 * n + 1), *p = out;
    assert_non_null(out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') *p++ = (char)c;
        else p += sprintf(p, "\\x%02X", c);
    }
    *p = 0;
    return out;
}

static void expect_bytes(const char *what, const char *in, size_t inlen, const char *got, size_t gotlen,
                         const char *want, size_t wantlen, int line)
{
    if (gotlen == wantlen && memcmp(got, want, wantlen) == 0) return;
    char *ri = repr(in, inlen), *rg = repr(got, gotlen), *rw = repr(want, wantlen);
    print_message("  %s(\"%s\") at line %d\n    got  (%zu bytes) \"%s\"\n    want (%zu bytes) \"%s\"\n",
                  what, ri, line, gotlen, rg, wantlen, rw);
    free(ri);
    free(rg);
    free(rw);
    fail_msg("%s: output differs (line %d)", what, line);
}

/* berth.NAME(in) must return want, byte for byte. */
static void expect_esc(const char *name, const char *in, size_t inlen, const char *want, size_t wantlen,
                       int line)
{
    lua_State *L = sb.L;
    push_fn(name);
    lua_pushlstring(L, in, inlen);
    call(1, name);
    if (lua_type(L, -1) != LUA_TSTRING) fail_msg("berth.%s returned a %s", name, luaL_typename(L, -1));
    size_t gotlen;
    const char *got = lua_tolstring(L, -1, &gotlen);
    expect_bytes(name, in, inlen, got, gotlen, want, wantlen, line);
    lua_pop(L, 1);
    assert_int_equal(lua_gettop(L), 1);
}

/* For string literals (embedded NULs allowed). */
#define EXPECT(name, in, want) expect_esc(name, in, sizeof(in) - 1, want, sizeof(want) - 1, __LINE__)

/* A malloc'd buffer: n copies of c followed by tail. */
static char *fill(size_t n, char c, const char *tail, size_t *len)
{
    size_t t = strlen(tail);
    char *s = malloc(n + t + 1);
    assert_non_null(s);
    memset(s, c, n);
    memcpy(s + n, tail, t + 1);
    *len = n + t;
    return s;
}

/* berth.NAME(n × 'a' .. tail) must be want_n × 'a' .. want_tail. */
static void expect_limit(const char *name, size_t n, const char *tail, size_t want_n, const char *want_tail,
                         int line)
{
    size_t inlen, wantlen;
    char *in = fill(n, 'a', tail, &inlen), *want = fill(want_n, 'a', want_tail, &wantlen);
    expect_esc(name, in, inlen, want, wantlen, line);
    free(in);
    free(want);
}

#define LIMIT(name, n, tail, want_n, want_tail) expect_limit(name, n, tail, want_n, want_tail, __LINE__)

/* ---- nft ---- */

static void nft_hostile_characters(void **state)
{
    (void)state;
    EXPECT("esc.nft", "say \"hi\"", "say 'hi'");
    EXPECT("esc.nft", "\"", "'");
    EXPECT("esc.nft", "it's", "it's");
    EXPECT("esc.nft", "C:\\temp\\", "C:\\temp\\");
    EXPECT("esc.nft", "$(reboot)", "$(reboot)");
    EXPECT("esc.nft", "`reboot`", "`reboot`");
    EXPECT("esc.nft", "a; rm -rf /", "a; rm -rf /");
    EXPECT("esc.nft", "a | b", "a | b");
    EXPECT("esc.nft", "line1\nline2", "line1 line2");
    EXPECT("esc.nft", "col1\tcol2", "col1 col2");
    EXPECT("esc.nft", "party " PARTY "!", "party " PARTY "!");
    EXPECT("esc.nft", "it" RSQUO "s", "it" RSQUO "s");
    /* One line: runs of whitespace and controls collapse, ends trimmed. */
    EXPECT("esc.nft", " \t lead\r\n\n trail \x7f", "lead trail");
    EXPECT("esc.nft", "a\xC2\x85" "b\xE2\x80\xA8" "c", "a b c");    /* NEL, LINE SEPARATOR */
    EXPECT("esc.nft", "x\0y", "x y");
    EXPECT("esc.nft", "bad\xFF" "byte", "bad" FFFD "byte");
}

static void nft_byte_limit(void **state)
{
    (void)state;
    LIMIT("esc.nft", 128, "", 128, "");                      /* exactly at the limit */
    LIMIT("esc.nft", 129, "", 128, "");                      /* one past */
    LIMIT("esc.nft", 126, E_ACUTE, 126, E_ACUTE);            /* 128 bytes, ends on a character */
    LIMIT("esc.nft", 127, E_ACUTE, 127, "");                 /* é straddles 128 */
    LIMIT("esc.nft", 124, PARTY, 124, PARTY);                /* 128 bytes */
    LIMIT("esc.nft", 125, PARTY, 125, "");                   /* U+1F389 straddles */
    LIMIT("esc.nft", 127, PARTY, 127, "");
    LIMIT("esc.nft", 126, RSQUO, 126, "");
    LIMIT("esc.nft", 127, "\"", 127, "'");                   /* the quote replaced, same length */
    LIMIT("esc.nft", 128, "\"", 128, "");
    /* The limit applies to the cleaned line: trimmed whitespace does not count. */
    size_t inlen, wantlen;
    char *want = fill(128, 'a', "", &wantlen);
    char *in = malloc(132);
    assert_non_null(in);
    memcpy(in, "\n\t ", 3);
    memset(in + 3, 'a', 128);
    in[131] = '\n';
    inlen = 132;
    expect_esc("esc.nft", in, inlen, want, wantlen, __LINE__);
    free(in);
    free(want);
}

/* ---- iptables ---- */

static void iptables_hostile_characters(void **state)
{
    (void)state;
    EXPECT("esc.iptables", "say \"hi\"", "say \\\"hi\\\"");
    EXPECT("esc.iptables", "it's", "it's");
    EXPECT("esc.iptables", "C:\\temp\\", "C:\\\\temp\\\\");
    EXPECT("esc.iptables", "\\\"", "\\\\\\\"");             /* \" -> \\\" */
    EXPECT("esc.iptables", "$(reboot)", "$(reboot)");
    EXPECT("esc.iptables", "`reboot`", "`reboot`");
    EXPECT("esc.iptables", "a; rm -rf /", "a; rm -rf /");
    EXPECT("esc.iptables", "a | b", "a | b");
    EXPECT("esc.iptables", "line1\nline2", "line1 line2");
    EXPECT("esc.iptables", "col1\tcol2", "col1 col2");
    EXPECT("esc.iptables", "party " PARTY, "party " PARTY);
    EXPECT("esc.iptables", "it" RSQUO "s", "it" RSQUO "s");
    EXPECT("esc.iptables", "\r\n\"\"\r\n", "\\\"\\\"");
}

static void iptables_byte_limit(void **state)
{
    (void)state;
    LIMIT("esc.iptables", 255, "", 255, "");
    LIMIT("esc.iptables", 256, "", 255, "");
    LIMIT("esc.iptables", 253, E_ACUTE, 253, E_ACUTE);       /* 255 bytes */
    LIMIT("esc.iptables", 254, E_ACUTE, 254, "");            /* é straddles 255 */
    LIMIT("esc.iptables", 251, PARTY, 251, PARTY);
    LIMIT("esc.iptables", 252, PARTY, 252, "");
    LIMIT("esc.iptables", 254, PARTY, 254, "");
    /* Cut first, then escape: 255 unescaped bytes may grow past 255... */
    LIMIT("esc.iptables", 254, "\"", 254, "\\\"");
    LIMIT("esc.iptables", 253, "\\\\", 253, "\\\\\\\\");
    /* ...and what lies past 255 before escaping is gone, escapes and all. */
    LIMIT("esc.iptables", 255, "\"", 255, "");
    LIMIT("esc.iptables", 255, "\\", 255, "");
}

/* ---- PowerShell ---- */

static void powershell_hostile_characters(void **state)
{
    (void)state;
    EXPECT("esc.powershell", "", "''");
    EXPECT("esc.powershell", "say \"hi\"", "'say \"hi\"'");
    EXPECT("esc.powershell", "it's", "'it''s'");
    EXPECT("esc.powershell", "'", "''''");
    EXPECT("esc.powershell", "C:\\temp\\", "'C:\\temp\\'");
    EXPECT("esc.powershell", "$(reboot)", "'$(reboot)'");
    EXPECT("esc.powershell", "$env:PATH ${x}", "'$env:PATH ${x}'");
    EXPECT("esc.powershell", "`reboot`", "'`reboot`'");
    EXPECT("esc.powershell", "a; rm -rf /", "'a; rm -rf /'");
    EXPECT("esc.powershell", "a | b", "'a | b'");
    EXPECT("esc.powershell", "line1\nline2", "'line1\nline2'");   /* lossless: kept */
    EXPECT("esc.powershell", "col1\tcol2", "'col1\tcol2'");
    EXPECT("esc.powershell", "party " PARTY, "'party " PARTY "'");
    EXPECT("esc.powershell", "it" RSQUO "s", "'it" RSQUO RSQUO "s'");
    EXPECT("esc.powershell", LSQUO "x" SBQUO "y" RHQUO, "'" LSQUO LSQUO "x" SBQUO SBQUO "y" RHQUO RHQUO "'");
    EXPECT("esc.powershell", "'" RSQUO, "'''" RSQUO RSQUO "'");
    /* Neighbours of U+2018..U+201B and double quotes are not doubled. */
    EXPECT("esc.powershell", DLOWLN LDQUO "\xE2\x80\x9D", "'" DLOWLN LDQUO "\xE2\x80\x9D'");
    EXPECT("esc.powershell", "a\0b", "'a\0b'");
}

/* ---- decoding a single-quoted literal as PowerShell's tokenizer does ---- */

/* One UTF-8 code point at s[*i]; -1 when not valid (strict). */
static long utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[*i];
    int len = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
    if (!len || *i + (size_t)len > n) return -1;
    long cp = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) return -1;
        cp = cp << 6 | (s[*i + k] & 0x3F);
    }
    static const long min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) return -1;
    *i += (size_t)len;
    return cp;
}

static bool is_single_quote(long cp) { return cp == 0x27 || (cp >= 0x2018 && cp <= 0x201B); }

/* Decodes lit, which must be exactly one literal opened and closed by "'":
 * inside, a quote character followed by another one stands for the second;
 * a quote character followed by anything else ends the literal. Returns
 * false when lit is not exactly that. */
static bool ps_decode(const char *lit, size_t n, char *out, size_t *outn)
{
    const unsigned char *s = (const unsigned char *)lit;
    size_t i = 0, o = 0;
    if (n < 2 || s[0] != '\'') return false;
    i = 1;
    for (;;) {
        if (i >= n) return false;                     /* unterminated */
        size_t start = i;
        long cp = utf8_next(s, n, &i);
        if (cp < 0) return false;
        if (is_single_quote(cp)) {
            size_t second = i;
            if (i < n) {
                long next = utf8_next(s, n, &i);
                if (next >= 0 && is_single_quote(next)) {
                    memcpy(out + o, lit + second, i - second);
                    o += i - second;
                    continue;
                }
            }
            if (cp != '\'') return false;             /* closed by another quote */
            *outn = o;
            return second == n;                       /* nothing after the closing quote */
        }
        memcpy(out + o, lit + start, i - start);
        o += i - start;
    }
}

static void powershell_literal_decodes_to_the_original(void **state)
{
    (void)state;
    static const char *const alphabet[] = {
        "'", "''", LSQUO, RSQUO, SBQUO, RHQUO, LDQUO, "\xE2\x80\x9D", DLOWLN, "\"", "`", "$",
        "$(", ")", "{", "}", ";", "|", "&", "\\", "\n", "\r", "\t", " ", "a", "Z", "#", "<#", "#>",
        "@'", "'@", PARTY, E_ACUTE, "\xC2\x85", "\xE2\x80\xA8", "\x1b", "%",
    };
    enum { NALPHA = sizeof alphabet / sizeof *alphabet, NSTRINGS = 500, MAXUNITS = 40 };
    lua_State *L = sb.L;
    char in[MAXUNITS * 4 + 1], out[2 * sizeof in];
    size_t quotes_seen = 0;

    /* The decoder itself rejects what is not one properly escaped literal. */
    size_t n;
    assert_false(ps_decode("'it's'", 6, out, &n));
    assert_false(ps_decode("'it" RSQUO "s'", 8, out, &n));
    assert_false(ps_decode("'abc", 4, out, &n));
    assert_false(ps_decode("'a'+'b'", 7, out, &n));
    assert_true(ps_decode("'it''s'", 7, out, &n));
    assert_int_equal(n, 4);
    assert_memory_equal(out, "it's", 4);

    rng_seed(0x6265727468ull);    /* "berth" */
    for (int k = 0; k < NSTRINGS; k++) {
        size_t len = 0, units = (size_t)(rng_next() % (MAXUNITS + 1));
        for (size_t u = 0; u < units; u++) {
            const char *a = alphabet[rng_next() % NALPHA];
            size_t al = strlen(a);
            memcpy(in + len, a, al);
            len += al;
            quotes_seen += a[0] == '\'' ||
                           (strncmp(a, "\xE2\x80", 2) == 0 && (unsigned char)a[2] >= 0x98 &&
                            (unsigned char)a[2] <= 0x9B);
        }
        in[len] = 0;
        push_fn("esc.powershell");
        lua_pushlstring(L, in, len);
        call(1, "esc.powershell");
        size_t litlen, outlen = 0;
        const char *lit = lua_tolstring(L, -1, &litlen);
        assert_non_null(lit);
        assert_true(litlen <= sizeof out);
        if (!ps_decode(lit, litlen, out, &outlen)) {
            char *r = repr(lit, litlen);
            print_message("  string %d: \"%s\" is not one literal\n", k, r);
            free(r);
            fail();
        }
        expect_bytes("esc.powershell round trip", in, len, out, outlen, in, len, __LINE__);
        lua_pop(L, 1);
    }
    assert_true(quotes_seen > 500);   /* the generator did exercise the quotes */
}

/* ---- Windows rule text ---- */

static void winrule_hostile_characters(void **state)
{
    (void)state;
    EXPECT("esc.winrule", "a | b", "a / b");
    EXPECT("esc.winrule", "||x|", "//x/");
    EXPECT("esc.winrule", "say \"hi\"", "say \"hi\"");
    EXPECT("esc.winrule", "it's", "it's");
    EXPECT("esc.winrule", "C:\\temp\\", "C:\\temp\\");
    EXPECT("esc.winrule", "$(reboot)", "$(reboot)");
    EXPECT("esc.winrule", "`reboot`", "`reboot`");
    EXPECT("esc.winrule", "a; b", "a; b");
    EXPECT("esc.winrule", "line1\nline2", "line1\nline2");
    EXPECT("esc.winrule", "col1\tcol2", "col1\tcol2");
    EXPECT("esc.winrule", "party " PARTY, "party " PARTY);
    EXPECT("esc.winrule", "it" RSQUO "s", "it" RSQUO "s");
}

/* ---- XML ---- */

static void xml_hostile_characters(void **state)
{
    (void)state;
    EXPECT("esc.xml", "say \"hi\"", "say &quot;hi&quot;");
    EXPECT("esc.xml", "it's", "it&apos;s");
    EXPECT("esc.xml", "C:\\temp\\", "C:\\temp\\");
    EXPECT("esc.xml", "$(reboot)", "$(reboot)");
    EXPECT("esc.xml", "`reboot`", "`reboot`");
    EXPECT("esc.xml", "a; b", "a; b");
    EXPECT("esc.xml", "a | b", "a | b");
    EXPECT("esc.xml", "line1\nline2", "line1&#10;line2");
    EXPECT("esc.xml", "col1\tcol2", "col1&#9;col2");
    EXPECT("esc.xml", "a\r\nb", "a&#13;&#10;b");
    EXPECT("esc.xml", "party " PARTY, "party " PARTY);
    EXPECT("esc.xml", "it" RSQUO "s", "it" RSQUO "s");
    EXPECT("esc.xml", "<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;");
    EXPECT("esc.xml", "]]><!--", "]]&gt;&lt;!--");
    /* Characters XML 1.0 cannot hold become spaces, bad UTF-8 U+FFFD. */
    EXPECT("esc.xml", "a\x01\x1f\x0b" "b\0c", "a   b c");
    EXPECT("esc.xml", "x\xEF\xBF\xBEy\xEF\xBF\xBF", "x y ");
    EXPECT("esc.xml", "\xFF<", FFFD "&lt;");
}

static void xmlcomment_hostile_characters(void **state)
{
    (void)state;
    EXPECT("esc.xmlcomment", "say \"hi\"", "say \"hi\"");
    EXPECT("esc.xmlcomment", "it's", "it's");
    EXPECT("esc.xmlcomment", "C:\\temp\\", "C:\\temp\\");
    EXPECT("esc.xmlcomment", "$(reboot)", "$(reboot)");
    EXPECT("esc.xmlcomment", "`reboot`", "`reboot`");
    EXPECT("esc.xmlcomment", "a; b", "a; b");
    EXPECT("esc.xmlcomment", "a | b", "a | b");
    EXPECT("esc.xmlcomment", "line1\nline2", "line1 line2");
    EXPECT("esc.xmlcomment", "col1\tcol2", "col1 col2");
    EXPECT("esc.xmlcomment", "party " PARTY, "party " PARTY);
    EXPECT("esc.xmlcomment", "it" RSQUO "s", "it" RSQUO "s");
    EXPECT("esc.xmlcomment", "a--b", "a- -b");
    EXPECT("esc.xmlcomment", "---", "- - -");
    EXPECT("esc.xmlcomment", "----", "- - - -");
    EXPECT("esc.xmlcomment", "x --> <!-- y", "x - -> <!- - y");
    EXPECT("esc.xmlcomment", "a-\n-b", "a- -b");   /* clean first: no "--" across the line break */
}

/* ---- ufw ---- */

static void ufw_hostile_characters(void **state)
{
    (void)state;
    EXPECT("esc.ufw", "say \"hi\"", "say \"hi\"");
    EXPECT("esc.ufw", "it's", "it's");
    EXPECT("esc.ufw", "C:\\temp\\", "C:\\temp\\");
    EXPECT("esc.ufw", "$(reboot)", "$(reboot)");
    EXPECT("esc.ufw", "`reboot`", "`reboot`");
    EXPECT("esc.ufw", "a; b", "a; b");
    EXPECT("esc.ufw", "a | b", "a | b");
    EXPECT("esc.ufw", "line1\nline2", "line1 line2");
    EXPECT("esc.ufw", "title\n[evil]\nports=1:65535/tcp", "title [evil] ports=1:65535/tcp");
    EXPECT("esc.ufw", "col1\tcol2", "col1 col2");
    EXPECT("esc.ufw", "party " PARTY, "party " PARTY);
    EXPECT("esc.ufw", "it" RSQUO "s", "it" RSQUO "s");
}

static void ufw_byte_limit(void **state)
{
    (void)state;
    LIMIT("esc.ufw", 1024, "", 1024, "");
    LIMIT("esc.ufw", 1025, "", 1024, "");
    LIMIT("esc.ufw", 1022, E_ACUTE, 1022, E_ACUTE);
    LIMIT("esc.ufw", 1023, E_ACUTE, 1023, "");
    LIMIT("esc.ufw", 1020, PARTY, 1020, PARTY);
    LIMIT("esc.ufw", 1021, PARTY, 1021, "");
    LIMIT("esc.ufw", 1023, PARTY, 1023, "");
    LIMIT("esc.ufw", 1023, "\"", 1023, "\"");
    LIMIT("esc.ufw", 1023, "\n\"", 1023, " ");  /* 1023 + " " + '"' = 1025 bytes, cut to 1024 */
}

/* ---- clean and cut directly ---- */

static void cut_never_splits_a_character(void **state)
{
    (void)state;
    lua_State *L = sb.L;
    static const struct {
        const char *s;
        lua_Integer n;
        const char *want;
    } cases[] = {
        {"abc", 3, "abc"},
        {"abc", 2, "ab"},
        {"ab" E_ACUTE, 3, "ab"},
        {"ab" E_ACUTE, 4, "ab" E_ACUTE},
        {PARTY, 3, ""},
        {PARTY, 1, ""},
        {PARTY PARTY, 7, PARTY},
        {"x" RSQUO, 2, "x"},
        {"x" RSQUO, 3, "x"},
        {"x" RSQUO, 4, "x" RSQUO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        push_fn("cut");
        lua_pushstring(L, cases[i].s);
        lua_pushinteger(L, cases[i].n);
        call(2, "cut");
        size_t gotlen;
        const char *got = lua_tolstring(L, -1, &gotlen);
        assert_non_null(got);
        expect_bytes("cut", cases[i].s, strlen(cases[i].s), got, gotlen, cases[i].want,
                     strlen(cases[i].want), __LINE__);
        lua_pop(L, 1);
    }
    assert_int_equal(lua_gettop(L), 1);
}

/* ---- port lists ---- */

/* Pushes a Lua list {{lo=, hi=}, ...}. */
static void push_ports(const int (*p)[2], size_t n)
{
    lua_State *L = sb.L;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 2);
        lua_pushinteger(L, p[i][0]);
        lua_setfield(L, -2, "lo");
        lua_pushinteger(L, p[i][1]);
        lua_setfield(L, -2, "hi");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* berth.chunks(list, 15): the number of chunks and each one's ports (by lo)
 * must be as given; want lists the lo of every port, 0 ending a chunk. */
static void expect_chunks(const int (*p)[2], size_t n, const int *want, size_t nwant)
{
    lua_State *L = sb.L;
    push_fn("chunks");
    push_ports(p, n);
    lua_pushinteger(L, 15);
    call(2, "chunks");
    assert_int_equal(lua_type(L, -1), LUA_TTABLE);
    size_t w = 0;
    for (lua_Integer c = 1; lua_rawgeti(L, -1, c) == LUA_TTABLE; c++) {
        size_t len = (size_t)lua_rawlen(L, -1);
        for (lua_Integer k = 1; k <= (lua_Integer)len; k++) {
            assert_true(w < nwant);
            lua_rawgeti(L, -1, k);
            lua_getfield(L, -1, "lo");
            assert_int_equal(lua_tointeger(L, -1), want[w]);
            w++;
            lua_pop(L, 2);
        }
        assert_true(w < nwant);
        assert_int_equal(want[w], 0);    /* the chunk ends where expected */
        w++;
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    assert_int_equal(w, nwant);
    assert_int_equal(lua_gettop(L), 1);
}

static void chunks_single_ports_fill_fifteen_slots(void **state)
{
    (void)state;
    int p[16][2];
    for (int i = 0; i < 16; i++) p[i][0] = p[i][1] = 1000 + i;
    int want[] = {1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 0,
                  1015, 0};
    expect_chunks((const int(*)[2])p, 16, want, sizeof want / sizeof *want);
    /* Exactly 15 singles: one chunk. */
    int want15[] = {1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 0};
    expect_chunks((const int(*)[2])p, 15, want15, sizeof want15 / sizeof *want15);
}

static void chunks_ranges_cost_two_slots(void **state)
{
    (void)state;
    int p[8][2];
    for (int i = 0; i < 8; i++) p[i][0] = 100 * (i + 1), p[i][1] = 100 * (i + 1) + 9;
    int want[] = {100, 200, 300, 400, 500, 600, 700, 0, 800, 0};
    expect_chunks((const int(*)[2])p, 8, want, sizeof want / sizeof *want);
    /* 13 singles + a range = 15 slots, one chunk; 14 singles + a range = 16, two. */
    int q[15][2];
    for (int i = 0; i < 13; i++) q[i][0] = q[i][1] = i + 1;
    q[13][0] = 50, q[13][1] = 60;
    int want13[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 50, 0};
    expect_chunks((const int(*)[2])q, 14, want13, sizeof want13 / sizeof *want13);
    q[13][0] = q[13][1] = 14;
    q[14][0] = 50, q[14][1] = 60;
    int want14[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0, 50, 0};
    expect_chunks((const int(*)[2])q, 15, want14, sizeof want14 / sizeof *want14);
    /* An empty list (any port) still gives one, empty, chunk. */
    int want0[] = {0};
    expect_chunks(NULL, 0, want0, 1);
}

static void expect_ports(const int (*p)[2], size_t n, const char *sep, const char *rangesep, const char *want)
{
    lua_State *L = sb.L;
    push_fn("ports");
    push_ports(p, n);
    int nargs = 1;
    if (sep || rangesep) {
        if (sep) lua_pushstring(L, sep);
        else lua_pushnil(L);
        nargs++;
    }
    if (rangesep) lua_pushstring(L, rangesep), nargs++;
    call(nargs, "ports");
    size_t gotlen;
    const char *got = lua_tolstring(L, -1, &gotlen);
    assert_non_null(got);
    expect_bytes("ports", "", 0, got, gotlen, want, strlen(want), __LINE__);
    lua_pop(L, 1);
    assert_int_equal(lua_gettop(L), 1);
}

static void ports_formats_with_separators(void **state)
{
    (void)state;
    const int p[][2] = {{80, 80}, {9000, 9020}, {443, 443}, {5004, 5005}};
    expect_ports(p, 4, NULL, NULL, "80, 9000-9020, 443, 5004-5005");
    expect_ports(p, 4, ",", ":", "80,9000:9020,443,5004:5005");
    expect_ports(p, 4, " | ", "..", "80 | 9000..9020 | 443 | 5004..5005");
    expect_ports(p, 4, NULL, ":", "80, 9000:9020, 443, 5004:5005");
    expect_ports(p, 4, ";", NULL, "80;9000-9020;443;5004-5005");
    expect_ports(p, 1, ",", ":", "80");
    expect_ports(p + 1, 1, ",", ":", "9000:9020");
    expect_ports(NULL, 0, ",", ":", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(nft_hostile_characters, reset_stack),
        cmocka_unit_test_setup(nft_byte_limit, reset_stack),
        cmocka_unit_test_setup(iptables_hostile_characters, reset_stack),
        cmocka_unit_test_setup(iptables_byte_limit, reset_stack),
        cmocka_unit_test_setup(powershell_hostile_characters, reset_stack),
        cmocka_unit_test_setup(powershell_literal_decodes_to_the_original, reset_stack),
        cmocka_unit_test_setup(winrule_hostile_characters, reset_stack),
        cmocka_unit_test_setup(xml_hostile_characters, reset_stack),
        cmocka_unit_test_setup(xmlcomment_hostile_characters, reset_stack),
        cmocka_unit_test_setup(ufw_hostile_characters, reset_stack),
        cmocka_unit_test_setup(ufw_byte_limit, reset_stack),
        cmocka_unit_test_setup(cut_never_splits_a_character, reset_stack),
        cmocka_unit_test_setup(chunks_single_ports_fill_fifteen_slots, reset_stack),
        cmocka_unit_test_setup(chunks_ranges_cost_two_slots, reset_stack),
        cmocka_unit_test_setup(ports_formats_with_separators, reset_stack),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
