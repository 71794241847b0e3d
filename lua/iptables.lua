-- iptables.lua: one host's IPv4 rules for `iptables-restore --noflush`, in
-- two chains berth owns (BERTH-IN, BERTH-OUT); built-in chains and their
-- policies are left alone, the operator hooks the chains in once. With
-- -D family=ipv6, the host's IPv6 rules for `ip6tables-restore` instead
-- (HOST.rules6), the same way.
-- Options: -D output=accept|drop, -D log=1, -D family=ipv4|ipv6.

local view = ...
local opt = view.options
local log = berth.flag(opt, "log")
local output = berth.choice(opt, "output", { "accept", "drop" })
local family = opt.family and berth.choice(opt, "family", { "ipv4", "ipv6" }) or "ipv4"
local V6 = family == "ipv6"
local TOOL = V6 and "ip6tables" or "iptables"
-- (-D fragment needs nothing here: berth's own chains already are one.)

local IN, OUT = "BERTH-IN", "BERTH-OUT"
local CHAIN = { ["in"] = IN, out = OUT }

local function add(chain, ...)
  emit("-A ", chain, " ", ...)
  emit("\n")
end

local function comment(text)
  return '-m comment --comment "' .. berth.esc.iptables(text) .. '"'
end

-- Port matches for one (sport chunk, dport chunk), sports first: a single
-- entry goes into the protocol's own match, more into multiport (at most 15
-- slots each, so berth.chunks cut them).
local function port_matches(proto, sports, dports)
  local out, own = {}, nil
  local function put(list, one, many)
    if #list == 1 then
      if not own then
        own = #out + 1
        out[own] = "-m " .. proto
      end
      out[own] = out[own] .. " " .. one .. " " .. berth.ports(list, ",", ":")
    elseif #list > 1 then
      out[#out + 1] = "-m multiport " .. many .. " " .. berth.ports(list, ",", ":")
    end
  end
  put(sports, "--sport", "--sports")
  put(dports, "--dport", "--dports")
  return out
end

-- The protocol and its matches: ports for tcp and udp; for a protocol
-- without ports (r.protocol) its number, and an ICMP type where one is given.
local function proto_matches(r, sp, dp)
  if not r.protocol then
    local out = { "-p " .. r.proto }
    for _, m in ipairs(port_matches(r.proto, sp, dp)) do out[#out + 1] = m end
    return out
  end
  if r.protocol == 1 and r.icmp_type then
    return { "-p icmp -m icmp --icmp-type " .. r.icmp_type }
  end
  if r.protocol == 58 then
    return { "-p ipv6-icmp" .. (r.icmp_type and (" -m icmp6 --icmpv6-type " .. r.icmp_type) or "") }
  end
  return { "-p " .. r.protocol }
end

-- A list of "-s X" (or "-d X") options, one per address; {false} for any,
-- so the caller's loop runs once without an address match.
local function addr_opts(flag, list)
  if #list == 0 then return { false } end
  local out = {}
  for i, a in ipairs(list) do out[i] = flag .. " " .. a end
  return out
end

-- One berth rule becomes one iptables rule per source address, destination
-- address, source-port chunk and destination-port chunk.
local function rule(r)
  local text = table.concat(berth.list(r.services), ", ")
  if r.multicast then text = text .. " (multicast)" end
  if r.protocol == 1 and V6 then  -- ICMP is IPv4's: ip6tables never sees it
    emit("# not written: ", berth.clean(r.proto), r.icmp_type and (" type " .. r.icmp_type) or "",
      " for ", berth.clean(text), " is IPv4 (ICMP); the iptables rules hold it\n")
    return
  end
  if r.protocol == 58 and not V6 then  -- iptables filters IPv4 only
    emit("# not written: ", berth.clean(r.proto), r.icmp_type and (" type " .. r.icmp_type) or "",
      " for ", berth.clean(text), " is IPv6 (ICMPv6); ip6tables rules are not generated\n")
    return
  end
  for _, s in ipairs(addr_opts("-s", r.saddrs)) do
    for _, d in ipairs(addr_opts("-d", r.daddrs)) do
      for _, sp in ipairs(berth.chunks(r.sports, 15)) do
        for _, dp in ipairs(berth.chunks(r.dports, 15)) do
          local words = {}
          if s then words[#words + 1] = s end
          if d then words[#words + 1] = d end
          for _, m in ipairs(proto_matches(r, sp, dp)) do words[#words + 1] = m end
          words[#words + 1] = comment(text)
          add(CHAIN[r.direction], table.concat(words, " "), " -j ACCEPT")
        end
      end
    end
  end
end

-- The log of what the chain is about to drop: rate-limited, with a prefix
-- within iptables' 29 characters.
local function log_rule(chain, what)
  if not log then return end
  local tail = what .. " drop: "
  local host = berth.ident(view.host.name, 29 - #"berth " - #tail)
  add(chain, '-m limit --limit 5/min -j LOG --log-prefix "berth ', host, tail, '"')
end

local function header()
  emit(berth.comment(view.banner, "# "))
  emit("# ", TOOL, " rules (", V6 and "IPv6" or "IPv4", ") for host ", berth.clean(view.host.name), " (",
    berth.clean(berth.addresses(view.host)), ") of site ", berth.clean(view.site.name), ".\n",
    "# Load with `", TOOL, "-restore --noflush FILE`: declaring the chains below\n",
    "# flushes only them, so a reload replaces berth's rules and nothing else.\n",
    "# Hook them in once (the built-in policies are left as they are):\n",
    "#   ", TOOL, " -C INPUT -j ", IN, " || ", TOOL, " -I INPUT -j ", IN, "\n",
    "#   ", TOOL, " -C OUTPUT -j ", OUT, " || ", TOOL, " -I OUTPUT -j ", OUT, "\n",
    "# ", IN, " ends in DROP; ", OUT, " ends in ",
    output == "drop" and "DROP" or "RETURN", ".\n\n")
end

-- Replies, loopback and the ICMP a host needs (by number: echo-request 8,
-- destination-unreachable 3, time-exceeded 11, parameter-problem 12).
local function input_base()
  add(IN, "-m conntrack --ctstate RELATED,ESTABLISHED ", comment("replies"), " -j ACCEPT")
  add(IN, "-m conntrack --ctstate INVALID ", comment("invalid"), " -j DROP")
  add(IN, "-i lo ", comment("loopback"), " -j ACCEPT")
  if V6 then
    -- echo-request 128, destination-unreachable 1, packet-too-big 2,
    -- time-exceeded 3, parameter-problem 4; neighbour discovery 133-136 and
    -- MLD 130, 131, 143 (the IPv6 side of IGMP).
    for _, t in ipairs{ 128, 1, 2, 3, 4 } do
      add(IN, "-p ipv6-icmp -m icmp6 --icmpv6-type ", t, " ", comment("ICMPv6"), " -j ACCEPT")
    end
    for _, t in ipairs{ 133, 134, 135, 136, 130, 131, 143 } do
      add(IN, "-p ipv6-icmp -m icmp6 --icmpv6-type ", t, " ", comment("IPv6 ND, MLD"), " -j ACCEPT")
    end
    return
  end
  for _, t in ipairs{ 8, 3, 11, 12 } do
    add(IN, "-p icmp -m icmp --icmp-type ", t, " ", comment("ICMP"), " -j ACCEPT")
  end
  if view.multicast then
    -- The application joins its groups; IGMP (protocol 2) queries must come
    -- in so that snooping switches keep forwarding the groups here.
    add(IN, "-p 2 ", comment("IGMP"), " -j ACCEPT")
  end
end

local function output_base()
  add(OUT, "-m conntrack --ctstate RELATED,ESTABLISHED ", comment("replies"), " -j ACCEPT")
  add(OUT, "-o lo ", comment("loopback"), " -j ACCEPT")
  if V6 then
    for _, t in ipairs{ 133, 135, 136, 131, 143 } do
      add(OUT, "-p ipv6-icmp -m icmp6 --icmpv6-type ", t, " ", comment("IPv6 ND, MLD"), " -j ACCEPT")
    end
    return
  end
  if view.multicast then
    add(OUT, "-p 2 ", comment("IGMP membership reports"), " -j ACCEPT")
  end
end

header()
emit("*filter\n")
emit(":", IN, " - [0:0]\n", ":", OUT, " - [0:0]\n")
input_base()
for _, r in ipairs(view.rules) do
  if r.direction == "in" and r.family == family then rule(r) end
end
log_rule(IN, "")
add(IN, "-j DROP")
if output == "drop" then output_base() end
for _, r in ipairs(view.rules) do
  if r.direction == "out" and r.family == family then rule(r) end
end
if output == "drop" then
  log_rule(OUT, " out")
  add(OUT, "-j DROP")
else
  add(OUT, "-j RETURN")
end
emit("COMMIT\n")
suffix(V6 and ".rules6" or ".rules")
