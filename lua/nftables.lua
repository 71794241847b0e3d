-- nftables.lua: one host's rules for `nft -f`, family inet, in a table berth
-- owns (or, with -D fragment=1, sets and regular chains to include inside
-- the operator's own table). Options: -D table=NAME, -D output=accept|drop,
-- -D log=1, -D fragment=1.

local view = ...
local opt = view.options
local fragment = berth.flag(opt, "fragment")
local log = berth.flag(opt, "log")
local output = berth.choice(opt, "output", { "accept", "drop" })
local tname = opt.table or "berth"
if not tname:match("^[a-z][a-z0-9_]*$") or #tname > 64 then
  error("-D table=" .. tname .. ": expected a name of [a-z0-9_] starting with a letter", 0)
end
local host = berth.ident(view.host.name, 32)

-- In a fragment every name lands in the operator's table: prefix them with
-- the table option so they cannot collide with the operator's own.
local function name(s)
  return fragment and (tname .. "_" .. s) or s
end

-- A match on a list: one value inline, more in a named interval set (whose
-- elements berth keeps disjoint, as `flags interval` requires).
local sets = {}
local function match(key, list, setname, settype, fmt)
  if #list == 0 then return nil end
  if #list == 1 then return key .. " " .. fmt(list) end
  sets[#sets + 1] = { name = name(setname), type = settype, elements = fmt(list) }
  return key .. " @" .. name(setname)
end

local function addrs(list) return table.concat(berth.list(list), ", ") end
local function ports(list) return berth.ports(list, ", ", "-") end

local function comment(r)
  local text = table.concat(berth.list(r.services), ", ")
  if r.multicast then text = text .. " (multicast)" end
  return berth.esc.nft(text)
end

-- A protocol without ports (r.protocol set): the ICMP type match, which
-- implies its protocol, or the protocol's number (a name would need the
-- loading host's /etc/protocols).
local function ip_proto_match(r)
  if r.icmp_type and r.protocol == 1 then return "icmp type " .. r.icmp_type end
  if r.icmp_type and r.protocol == 58 then return "icmpv6 type " .. r.icmp_type end
  return "meta l4proto " .. r.protocol
end

-- One accept rule: addresses, then ports, then counter and comment. With no
-- port match, `meta l4proto` still pins the protocol.
local function rule_line(r, id)
  local v6 = r.family == "ipv6"
  local ip, atype = v6 and "ip6" or "ip", v6 and "ipv6_addr" or "ipv4_addr"
  local parts = {
    match(ip .. " saddr", r.saddrs, id .. "_saddr", atype, addrs),
    match(ip .. " daddr", r.daddrs, id .. "_daddr", atype, addrs),
  }
  if not r.protocol then
    parts[3] = match(r.proto .. " sport", r.sports, id .. "_sport", "inet_service", ports)
    parts[4] = match(r.proto .. " dport", r.dports, id .. "_dport", "inet_service", ports)
  end
  local words = {}
  if #r.saddrs == 0 and #r.daddrs == 0 and r.protocol ~= 58 then
    -- the rule is one family's; inet sees both (icmpv6 implies IPv6)
    words[1] = "meta nfproto " .. r.family
  end
  for i = 1, 4 do words[#words + 1] = parts[i] end
  if r.protocol then
    words[#words + 1] = ip_proto_match(r)
  elseif #r.sports == 0 and #r.dports == 0 then
    words[#words + 1] = "meta l4proto " .. r.proto
  end
  return table.concat(words, " ") .. ' counter accept comment "' .. comment(r) .. '"'
end

-- Rules per direction, numbered per direction; computing them first fills
-- `sets`, which must be declared before the chains that use them.
local lines = { ["in"] = {}, out = {} }
for _, r in ipairs(view.rules) do
  local l = lines[r.direction]
  l[#l + 1] = rule_line(r, r.direction .. "_" .. (#l + 1))
end

local T = fragment and "" or "\t"  -- a fragment has no table block to indent

local function emit_sets()
  for _, s in ipairs(sets) do
    emit(T, "set ", s.name, " {\n",
      T, "\ttype ", s.type, "\n",
      T, "\tflags interval\n",
      T, "\telements = { ", s.elements, " }\n",
      T, "}\n\n")
  end
end

local function say(...) emit(T, "\t", ...); emit("\n") end

-- The base of every input chain: replies, loopback, the ICMP a host needs,
-- and IPv6 neighbour discovery and MLD (the inet table sees IPv6 too).
local function input_base()
  say('ct state established,related counter accept comment "replies"')
  say('ct state invalid counter drop comment "invalid"')
  say('iif "lo" counter accept comment "loopback"')
  say("icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem }",
    ' counter accept comment "ICMP"')
  say("icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert,",
    " mld-listener-query, mld2-listener-report } counter accept comment \"IPv6 ND, MLD\"")
  if view.multicast then
    -- The application joins its groups; IGMP queries must come in so that
    -- snooping switches keep forwarding the groups to this host (MLD, for
    -- IPv6 groups, is in the ICMPv6 line above).
    say('ip protocol igmp counter accept comment "IGMP"')
  end
end

-- With an output policy of drop the host must still answer, talk to itself,
-- solicit neighbours and report its multicast memberships.
local function output_base()
  say('ct state established,related counter accept comment "replies"')
  say('oif "lo" counter accept comment "loopback"')
  say("icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit,",
    " mld-listener-report, mld2-listener-report } counter accept comment \"IPv6 ND, MLD\"")
  if view.multicast then
    say('ip protocol igmp counter accept comment "IGMP membership reports"')
  end
end

-- The optional log of what the chain is about to drop (in a fragment: what
-- it did not accept and returns to the operator's chain), rate-limited.
local function log_line(what)
  if not log then return end
  local word = fragment and "miss" or "drop"
  say('counter limit rate 5/minute log prefix "berth ', host, what, " ", word,
    ': " comment "log"')
end

local function chain(cname, hook, policy, base, rules, what)
  emit(T, "chain ", name(cname), " {\n")
  if not fragment then
    say("type filter hook ", hook, " priority filter; policy ", policy, ";")
  end
  if base then base() end
  for _, l in ipairs(rules) do say(l) end
  if policy == "drop" then log_line(what) end
  emit(T, "}\n")
end

local function header()
  emit(berth.comment(view.banner, "# "))
  emit("# nftables rules for host ", berth.clean(view.host.name), " (",
    berth.clean(berth.addresses(view.host)), ") of site ", berth.clean(view.site.name), ".\n")
  if fragment then
    emit("# A fragment: sets and regular chains only. Include it inside your own\n",
      "# table and jump to its chains from your base chains, for example:\n",
      "#   table inet filter {\n",
      "#     include \"", host, ".nft\"\n",
      "#     chain input { type filter hook input priority filter; policy drop;\n",
      "#       jump ", name("input"), " }\n",
      "#   }\n",
      "# (load with nft -I DIR -f MAIN so that the include is found). What ",
      name("input"), "\n# does not accept returns to your chain.\n\n")
  else
    emit("# Load with `nft -f FILE`: it replaces table inet ", tname,
      " and leaves other tables alone.\n\n")
  end
end

header()
if fragment then
  emit_sets()
  chain("input", nil, "drop", input_base, lines["in"], "")
  emit("\n")
  chain("output", nil, output, output == "drop" and output_base, lines.out, " out")
else
  -- Creating, deleting and recreating the table makes a reload idempotent
  -- whether or not the table exists; `nft -f` applies it all or nothing.
  emit("table inet ", tname, "\n", "delete table inet ", tname, "\n\n")
  emit("table inet ", tname, " {\n")
  emit_sets()
  chain("input", "input", "drop", input_base, lines["in"], "")
  emit("\n")
  chain("output", "output", output, output == "drop" and output_base, lines.out, " out")
  emit("}\n")
end
suffix(".nft")
