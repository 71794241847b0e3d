-- ufw.lua: one host's inbound rules as ufw application profiles (an INI file
-- for /etc/ufw/applications.d/), one per service and source set, followed by
-- comment lines with the `ufw allow` commands that apply them and those for
-- what a profile cannot hold (multicast groups, source ports, any port).

local view = ...
local SLOTS = 15  -- ufw's multiport limit per entry; a range takes two

local function sources(list)
  return #list > 0 and berth.list(list) or { false }
end

-- A profile holds destination ports only; a rule with a multicast group,
-- source ports or no port at all becomes a command instead.
local function profile_can_hold(r)
  return #r.daddrs == 0 and #r.sports == 0 and #r.dports > 0
end

-- The service's in-rules a profile can hold, grouped by source set.
local function parts_of(svc)
  local parts, index = {}, {}
  for _, r in ipairs(svc.rules) do
    if r.direction == "in" and profile_can_hold(r) and not berth.restates_ipv4(view.host, r) then
      local key = table.concat(berth.list(r.saddrs), " ")
      if not index[key] then
        index[key] = { saddrs = r.saddrs, rules = {} }
        parts[#parts + 1] = index[key]
      end
      table.insert(index[key].rules, r)
    end
  end
  return parts
end

-- "9000:9020,10000/udp|..." with the protocol on every entry (ranges and
-- lists need it) and at most 15 slots per entry.
local function ports_value(rules)
  local entries = {}
  for _, r in ipairs(rules) do
    for _, chunk in ipairs(berth.chunks(r.dports, SLOTS)) do
      entries[#entries + 1] = berth.ports(chunk, ",", ":") .. "/" .. r.proto
    end
  end
  return table.concat(entries, "|")
end

local commands = {}
local function command(...) commands[#commands + 1] = table.concat({ ... }) end

local function profile(svc, part, name)
  local from = #part.saddrs > 0 and table.concat(berth.list(part.saddrs), ", ") or "any source"
  local what = svc.description ~= "" and (svc.name .. ": " .. svc.description) or svc.name
  emit("[", name, "]\n",
    "title=", berth.esc.ufw("berth " .. svc.name), "\n",
    "description=", berth.esc.ufw(what .. " (from " .. from .. ")"), "\n",
    "ports=", ports_value(part.rules), "\n\n")
  for _, s in ipairs(sources(part.saddrs)) do
    command("ufw allow from ", s or "any", " to any app '", name, "'")
  end
end

-- The protocols without ports `ufw allow proto` knows (ufw 0.36 util.py
-- portless_protocols); ICMP and the rest it cannot express.
local PORTLESS = { [2] = true, [41] = true, [47] = true, [50] = true, [51] = true, [112] = true }

local unsupported = {}
local function proto_text(r)
  return r.icmp_type and (r.proto .. " type " .. r.icmp_type) or r.proto
end

-- `ufw allow [in|out] proto P [from A [port S]] [to B [port D]]`, one per
-- address pair and port chunk.
local function rule_commands(r)
  local dir = r.direction == "out" and "out " or "in "
  if r.protocol and not PORTLESS[r.protocol] then
    unsupported[#unsupported + 1] = ("%s %s: %s"):format(r.direction, berth.clean(proto_text(r)),
      berth.clean(table.concat(berth.list(r.services), ", ")))
    return
  end
  for _, s in ipairs(sources(r.saddrs)) do
    for _, d in ipairs(sources(r.daddrs)) do
      for _, sp in ipairs(berth.chunks(r.sports, SLOTS)) do
        for _, dp in ipairs(berth.chunks(r.dports, SLOTS)) do
          local from = (s or #sp > 0) and (" from " .. (s or "any")) or ""
          if #sp > 0 then from = from .. " port " .. berth.ports(sp, ",", ":") end
          local to = (d or #dp > 0) and (" to " .. (d or "any")) or ""
          if #dp > 0 then to = to .. " port " .. berth.ports(dp, ",", ":") end
          command("ufw allow ", dir, "proto ", r.proto, from, to)
        end
      end
    end
  end
end

emit(berth.comment(view.banner, "# "))
emit("# ufw application profiles for host ", berth.clean(view.host.name), " (",
  berth.clean(berth.addresses(view.host)), ") of site ", berth.clean(view.site.name), ".\n",
  "# Copy to /etc/ufw/applications.d/, then run the commands at the end.\n\n")

-- Profile names: letters, digits and '-' (ufw also takes " _.+"), at most
-- 64 characters, unique in the file (ufw skips a file with a duplicate),
-- and with the prefix never a number, `all` or a name in /etc/services.
local unique = berth.namer(64)
for _, svc in ipairs(view.services) do
  local base = "berth-" .. berth.ident((svc.name:gsub("%.", "-")), 48)
  for _, part in ipairs(parts_of(svc)) do
    profile(svc, part, unique(base))
  end
end
-- Rules a profile cannot hold, from the host-wide list (merged already).
local n_profiles = #commands
for _, r in ipairs(view.rules) do
  if r.direction == "in" and not profile_can_hold(r) and not berth.restates_ipv4(view.host, r) then
    rule_commands(r)
  end
end
local n_inbound = #commands
for _, r in ipairs(view.rules) do
  if r.direction == "out" and not berth.restates_ipv4(view.host, r) then rule_commands(r) end
end

local function list(title, from, to)
  if to < from then return end
  emit("# ", title, "\n")
  for i = from, to do emit("#   ", commands[i], "\n") end
end
list("Apply the profiles, each from its sources:", 1, n_profiles)
list("Inbound rules a profile cannot express (multicast groups, source ports, any port):",
  n_profiles + 1, n_inbound)
list("Outbound (ufw allows outgoing by default; needed with `ufw default deny outgoing`):",
  n_inbound + 1, #commands)
if #unsupported > 0 then
  emit("# Not expressible in ufw (it filters only tcp, udp, esp, ah, gre, igmp, vrrp and\n",
    "# ipv6; its before.rules already accept ICMP echo-request, destination-unreachable,\n",
    "# time-exceeded and parameter-problem; edit /etc/ufw/before.rules for others):\n")
  for _, u in ipairs(unsupported) do emit("#   ", u, "\n") end
end
suffix(".ufw")
