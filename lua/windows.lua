-- windows.lua: one host's rules as a PowerShell script for Windows Defender
-- Firewall: it removes the rules of group 'berth', then creates one
-- New-NetFirewallRule per berth rule, so a rerun replaces instead of adding.
-- Every string literal goes through berth.esc.powershell.

local view = ...
local q = berth.esc.powershell
local GROUP = "berth"
local site, host = berth.ident(view.site.name, 40), berth.ident(view.host.name, 40)

local descriptions = {}
for _, s in ipairs(view.services) do descriptions[s.name] = s.description end

-- @('a','b') from a list of strings.
local function array(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = q(v) end
  return "@(" .. table.concat(out, ",") .. ")"
end

local function ports(list)
  local out = {}
  for i, p in ipairs(list) do
    out[i] = p.lo == p.hi and tostring(p.lo) or (p.lo .. "-" .. p.hi)
  end
  return array(out)
end

-- The description keeps the policy's text exactly (newlines and quotes
-- included) except '|', which the rule store cannot hold: each service with
-- its description, the multicast groups, and the policy lines behind it.
local function description(r)
  local lines = {}
  for _, name in ipairs(r.services) do
    local d = descriptions[name]
    lines[#lines + 1] = (d and d ~= "") and (name .. ": " .. d) or name
  end
  if r.multicast then
    lines[#lines + 1] = "multicast group " .. table.concat(berth.list(r.daddrs), ", ")
  end
  for _, w in ipairs(r.why) do
    lines[#lines + 1] = w.file .. ":" .. w.line .. ": " .. w.service .. ": " .. w.description
  end
  return berth.esc.winrule(table.concat(lines, "\n"))
end

local function display_name(r, dir)
  local proto = r.icmp_type and (r.proto .. " type " .. r.icmp_type) or r.proto
  local text = ("berth %s %s %s: %s"):format(berth.clean(view.host.name), dir,
    proto, table.concat(berth.list(r.services), ", "))
  return berth.esc.winrule(berth.clean(text))
end

-- TCP, UDP, ICMPv4 and ICMPv6 by name; any other IP protocol by number.
local function protocol(r)
  if not r.protocol then return r.proto == "tcp" and "'TCP'" or "'UDP'" end
  if r.protocol == 1 then return "'ICMPv4'" end
  if r.protocol == 58 then return "'ICMPv6'" end
  return q(tostring(r.protocol))
end

local function param(key, value)
  emit(("    %-14s= "):format(key), value, "\n")
end

-- Direction mapping: for inbound rules the peer is remote and the host
-- local; for outbound the other way round. An inbound multicast group is
-- the rule's local address, but Windows' own mDNS/SSDP rules match on the
-- local port only, so the group is named in the description instead.
local function rule(r, n)
  local inbound = r.direction == "in"
  local here, there = inbound and r.daddrs or r.saddrs, inbound and r.saddrs or r.daddrs
  local lport, rport = inbound and r.dports or r.sports, inbound and r.sports or r.dports
  emit("$rule = @{\n")
  param("Name", q(("%s.%s.%s.%s.%d"):format(GROUP, site, host, r.direction, n)))
  param("DisplayName", q(display_name(r, r.direction)))
  param("Group", q(GROUP))
  param("Direction", inbound and "'Inbound'" or "'Outbound'")
  param("Action", "'Allow'")
  param("Protocol", protocol(r))
  if r.icmp_type then param("IcmpType", array({ tostring(r.icmp_type) })) end
  if #lport > 0 then param("LocalPort", ports(lport)) end
  if #rport > 0 then param("RemotePort", ports(rport)) end
  if #here > 0 and not r.multicast then param("LocalAddress", array(here)) end
  if #there > 0 then param("RemoteAddress", array(there)) end
  param("Profile", "'Any'")
  param("Description", q(description(r)))
  emit("}\n", "New-NetFirewallRule @rule | Out-Null\n\n")
end

-- UTF-8 with a BOM: Windows PowerShell 5.1 reads a BOM-less script in the
-- ANSI code page, which garbles non-ASCII text and can even turn a byte into
-- a quote character.
emit("\239\187\191")
emit(berth.comment(view.banner, "# "))
emit("# Windows Defender Firewall rules for host ", berth.clean(view.host.name), " (",
  berth.clean(berth.addresses(view.host)), ") of site ", berth.clean(view.site.name), ".\n",
  "# Run as administrator. Rules are in group '", GROUP, "'; rerunning removes\n",
  "# them first. Windows allows outbound traffic by default; the outbound\n",
  "# rules matter when the profile's outbound action is Block.\n",
  "#Requires -RunAsAdministrator\n\n",
  "$ErrorActionPreference = 'Stop'\n",
  "Remove-NetFirewallRule -Group ", q(GROUP), " -ErrorAction SilentlyContinue\n\n")
local count = { ["in"] = 0, out = 0 }
for _, r in ipairs(view.rules) do
  if not berth.restates_ipv4(view.host, r) then
    count[r.direction] = count[r.direction] + 1
    rule(r, count[r.direction])
  end
end
suffix(".ps1")
