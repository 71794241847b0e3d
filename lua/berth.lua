-- berth.lua: helpers shared by the firewall templates (the `berth` global).
-- Free text from policies reaches a firewall only through one esc.* function
-- per target, so each target's quoting and length rules live in one place;
-- the rest formats port lists and makes names that every target accepts.

local berth = { esc = {} }

local REPLACEMENT = "\239\191\189" -- U+FFFD, stands for a byte that is not UTF-8

-- Replaces each byte that does not start a valid UTF-8 sequence (strict: no
-- surrogates, no overlong forms) so later byte cuts never split a character.
local function valid_utf8(s)
  local parts, i = {}, 1
  while true do
    local ok, bad = utf8.len(s, i)
    if ok then
      parts[#parts + 1] = s:sub(i)
      return table.concat(parts)
    end
    parts[#parts + 1] = s:sub(i, bad - 1) .. REPLACEMENT
    i = bad + 1
  end
end

-- One line of text: C0 and C1 controls, DEL, CR/LF/TAB and the Unicode line
-- and paragraph separators become spaces, runs of spaces one space, trimmed.
function berth.clean(s)
  s = valid_utf8(tostring(s or ""))
  s = s:gsub("[%z\1-\31\127]", " ")
  s = s:gsub("\194[\128-\159]", " ")     -- U+0080..U+009F
  s = s:gsub("\226\128[\168\169]", " ")  -- U+2028, U+2029
  s = s:gsub(" +", " ")
  return (s:gsub("^ ", ""):gsub(" $", ""))
end

-- The longest prefix of at most n bytes that ends on a code point boundary:
-- byte limits (nft 128, iptables 255) must never leave half a character.
function berth.cut(s, n)
  if #s <= n then return s end
  local i = n
  while i > 0 and s:byte(i + 1) >= 0x80 and s:byte(i + 1) < 0xC0 do
    i = i - 1
  end
  return s:sub(1, i)
end

-- Inside nft "...": there is no escape for '"', so it becomes "'"; comments
-- are limited to 128 bytes.
function berth.esc.nft(s)
  return berth.cut((berth.clean(s):gsub('"', "'")), 128)
end

-- Inside --comment "...": the 255-byte limit applies to the unescaped value
-- (longer values are silently truncated, possibly mid-character), so cut
-- first, then escape the two characters the quoting knows.
function berth.esc.iptables(s)
  local t = berth.cut(berth.clean(s), 255)
  return (t:gsub("[\\\"]", "\\%0"))
end

-- A complete single-quoted PowerShell literal, lossless. PowerShell takes
-- U+2018..U+201B as single quotes too, so each is doubled like "'"; nothing
-- else is special inside single quotes, newlines included.
function berth.esc.powershell(s)
  s = tostring(s or "")
  s = s:gsub("'", "''"):gsub("\226\128[\152-\155]", "%0%0")
  return "'" .. s .. "'"
end

-- Text for a Windows firewall rule's name, display name or description: the
-- rule store separates fields with '|', so it must not appear (INetFwRule).
function berth.esc.winrule(s)
  return (tostring(s or ""):gsub("|", "/"))
end

local XML = {
  ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
  ["'"] = "&apos;", ["\t"] = "&#9;", ["\n"] = "&#10;", ["\r"] = "&#13;",
}

-- XML text or attribute value, exact: tab, LF and CR become references so an
-- attribute keeps them too. The C0 controls XML 1.0 cannot hold at all
-- (a file with one is rejected) become spaces, invalid UTF-8 U+FFFD.
function berth.esc.xml(s)
  s = valid_utf8(tostring(s or ""))
  s = s:gsub("[%z\1-\8\11\12\14-\31]", " ")
  s = s:gsub("\239\191[\190\191]", " ")   -- U+FFFE, U+FFFF
  return (s:gsub("[&<>\"'\t\n\r]", XML))
end

-- Inside <!-- ... -->: one clean line in which "--" cannot occur.
function berth.esc.xmlcomment(s)
  s = berth.clean(s)
  while s:find("--", 1, true) do s = s:gsub("%-%-", "- -") end
  return s
end

-- A ufw profile value: one line (a newline would need an indented
-- continuation), at most 1024 characters; RawConfigParser knows no escapes.
function berth.esc.ufw(s)
  return berth.cut(berth.clean(s), 1024)
end

-- Comment lines for a banner or any text: each line cleaned and prefixed
-- ("# "), so no line of the text can end the comment early.
function berth.comment(text, prefix)
  local out = {}
  for line in (tostring(text or "") .. "\n"):gmatch("(.-)\r?\n") do
    out[#out + 1] = prefix .. berth.clean(line)
  end
  return table.concat(out, "\n") .. "\n"
end

-- A port list {{lo=, hi=}, ...} as text: "80, 9000-9020" by default.
function berth.ports(list, sep, rangesep)
  local out = {}
  for _, p in ipairs(list) do
    out[#out + 1] = p.lo == p.hi and tostring(p.lo)
        or (p.lo .. (rangesep or "-") .. p.hi)
  end
  return table.concat(out, sep or ", ")
end

-- Splits a port list into consecutive chunks of at most `slots` slots, a
-- single port taking 1 and a range 2 (iptables multiport, ufw: 15). An empty
-- list (any port) gives one empty chunk, so a loop over chunks still emits
-- its rule once.
function berth.chunks(list, slots)
  local chunks, cur, used = {}, {}, 0
  for _, p in ipairs(list) do
    local cost = p.lo == p.hi and 1 or 2
    if used + cost > slots and #cur > 0 then
      chunks[#chunks + 1], cur, used = cur, {}, 0
    end
    cur[#cur + 1], used = p, used + cost
  end
  if #cur > 0 or #chunks == 0 then chunks[#chunks + 1] = cur end
  return chunks
end

-- A name every target accepts in chain, set, service and profile names:
-- lower case [a-z0-9_-], any other character (one per code point) '_'.
function berth.ident(s, maxlen)
  s = tostring(s or ""):lower()
  s = s:gsub("[\192-\255][\128-\191]*", "_"):gsub("[^a-z0-9_-]", "_")
  return maxlen and s:sub(1, maxlen) or s
end

-- Returns a function that makes names unique within one output: the first
-- use of a base keeps it, later ones get "-2", "-3", ..., all within maxlen.
function berth.namer(maxlen)
  local taken = {}
  return function(base)
    local name, n = maxlen and base:sub(1, maxlen) or base, 1
    while taken[name] do
      n = n + 1
      local tail = "-" .. n
      name = (maxlen and base:sub(1, maxlen - #tail) or base) .. tail
    end
    taken[name] = true
    return name
  end
end

-- A plain copy of a read-only list, for table.concat and table.sort.
function berth.list(t)
  local out = {}
  for i, v in ipairs(t) do out[i] = v end
  return out
end

local TRUE = { ["1"] = true, yes = true, ["true"] = true, on = true }
local FALSE = { ["0"] = false, no = false, ["false"] = false, off = false }

-- A boolean -D option; anything but a recognised word is an error rather
-- than a silent default.
function berth.flag(options, key)
  local v = options[key]
  if v == nil then return false end
  if TRUE[v] then return true end
  if FALSE[v] ~= nil then return false end
  error(("-D %s=%s: expected 1 or 0"):format(key, v), 0)
end

-- A -D option that must be one of `choices` (the first is the default).
function berth.choice(options, key, choices)
  local v = options[key]
  if v == nil then return choices[1] end
  for _, c in ipairs(choices) do
    if v == c then return v end
  end
  error(("-D %s=%s: expected one of %s"):format(key, v,
    table.concat(choices, ", ")), 0)
end

-- The host's addresses as one text: "10.0.0.5", or "10.0.0.5, fd00::5" for
-- a dual-stack host (view.host.address6 is set only then).
function berth.addresses(host)
  if host.address6 then return host.address .. ", " .. host.address6 end
  return host.address
end

-- An IPv6 rule that restates an IPv4 one: no address on either side, on a
-- dual-stack host. Targets whose rules without addresses already cover both
-- families (ufw, Windows) skip it; nftables and ip6tables keep it.
function berth.restates_ipv4(host, r)
  return r.family == "ipv6" and host.address6 ~= nil and #r.saddrs == 0 and #r.daddrs == 0
end

return berth
